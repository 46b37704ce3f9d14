/** The digest e-mail's subject and text (functions/domain/digestMail.ts) for seeded digests. */
import { digestMail, MAX_LINES_PER_SECTION } from '../../functions/domain/digestMail.js';

const A = '0b8a4f5e-3c1d-4e2f-9a6b-7c8d9e0f1a2b';
const B = '1c9b5a6f-4d2e-4f3a-8b7c-8d9e0f1a2b3c';
const C = '2dac6b7a-5e3f-4a4b-9c8d-9e0f1a2b3c4d';

const seeded = {
  asOf: '2026-12-07T06:00:00.000Z',
  overDeployment: [
    { customerId: 'acme', item: 'IPT users', installId: A, entitled: 10, used: 12, peak: 13, overage: 3, status: 'over' as const, overSince: '2026-12-06' },
    { customerId: 'acme', item: 'SIP trunks', installId: null, entitled: 4, used: 9, peak: 9, overage: 5, status: 'over_past_grace' as const, overSince: '2026-12-07' },
  ],
  expiringWithin30Days: [{ installId: B, customerId: 'globex', devices: 3, containers: 1, firstUnlicensedOn: '2027-01-05' }],
  newlyStale: [
    { installId: C, customerId: 'initech', name: 'Berlin plant', lastSeenAt: '2026-12-04T17:42:10.000Z' },
    { installId: A, customerId: 'acme', name: 'Toronto HQ', lastSeenAt: '2026-12-05T05:00:00.000Z' },
    { installId: '3ebd7c8b-6f4a-4b5c-8d9e-0f1a2b3c4d5e', customerId: 'acme', name: 'Never', lastSeenAt: null },
  ],
};

it('says the counts in the subject and lists every finding with install names where known', () => {
  const mail = digestMail(seeded, new Map([[B, 'Globex main']]));
  expect(mail.subject).toBe('MPA licensing digest 2026-12-07: 2 over, 1 expiring, 3 stale');
  expect(mail.body).toBe(
    [
      'MPA licensing daily digest: what changed for the worse in the day before 2026-12-07 06:00 UTC.',
      '',
      'Over their entitlement (2)',
      `  - Customer acme, install "Toronto HQ" (${A}): IPT users: 12 used of 10 entitled (peak 13), over since 2026-12-06`,
      '  - Customer acme, the pooled installs: SIP trunks: 9 used of 4 entitled (peak 9), over, past its grace period since 2026-12-07',
      '',
      'Licenses ending within 30 days (1)',
      `  - Customer globex, install "Globex main" (${B}): 3 devices and 1 container came within 30 days; the first ends on 2027-01-05`,
      '',
      'Silent for 2 days (3)',
      `  - Customer initech, install "Berlin plant" (${C}): last upload 2026-12-04 17:42 UTC`,
      `  - Customer acme, install "Toronto HQ" (${A}): last upload 2026-12-05 05:00 UTC`,
      '  - Customer acme, install "Never" (3ebd7c8b-6f4a-4b5c-8d9e-0f1a2b3c4d5e): last upload never',
      '',
      '--',
      'The same as JSON: GET /v1/reports/digest?asOf=2026-12-07T06:00:00.000Z (npx mpa-licensing reports digest --as-of 2026-12-07T06:00:00.000Z).',
      '',
    ].join('\n'),
  );
  // No JSON in the mail: a person reads it.
  expect(mail.body).not.toContain('{');
});

it('names an install by its id when its name is not known', () => {
  const mail = digestMail({ ...seeded, newlyStale: [] });
  expect(mail.body).toContain(`Customer acme, install ${A}: IPT users`);
  expect(mail.body).toContain(`Customer globex, install ${B}: 3 devices`);
});

it('says so on a day that brought nothing', () => {
  const mail = digestMail({ asOf: '2026-12-08T06:00:00.000Z', overDeployment: [], expiringWithin30Days: [], newlyStale: [] });
  expect(mail.subject).toBe('MPA licensing digest 2026-12-08: 0 over, 0 expiring, 0 stale');
  expect(mail.body).toContain('Nothing changed for the worse');
  expect(mail.body).not.toContain('(0)');
});

it('keeps long sections bounded, and the subject within SNS limits', () => {
  const many = Array.from({ length: MAX_LINES_PER_SECTION + 5 }, (_, i) => ({ ...seeded.newlyStale[0]!, name: `Site ${i}` }));
  const mail = digestMail({ ...seeded, newlyStale: many });
  expect(mail.body).toContain('  … and 5 more');
  expect(mail.body).not.toContain(`Site ${MAX_LINES_PER_SECTION}"`);
  expect(mail.subject.length).toBeLessThanOrEqual(100);
  expect(mail.subject).toMatch(/^[\x20-\x7e]+$/);
});

it('stays under SNS 256 KiB with the longest ids and names the contract allows, in any script', () => {
  const id = (i: number) => `${String(i).padStart(8, '0')}-3c1d-4e2f-9a6b-7c8d9e0f1a2b`;
  const customerId = 'c'.repeat(128);
  const name = 'ü名'.repeat(100); // 200 characters, 500 UTF-8 bytes
  const rows = Array.from({ length: MAX_LINES_PER_SECTION }, (_, i) => i);
  const mail = digestMail(
    {
      asOf: seeded.asOf,
      overDeployment: rows.map((i) => ({ customerId, item: 'é'.repeat(128), installId: id(i), entitled: 1, used: 2, peak: 2, overage: 1, status: 'over' as const, overSince: '2026-12-06T00:00:00.000Z' })),
      expiringWithin30Days: rows.map((i) => ({ installId: id(i), customerId, devices: 1, containers: 0, firstUnlicensedOn: '2027-01-05' })),
      newlyStale: rows.map((i) => ({ installId: id(i), customerId, name, lastSeenAt: null })),
    },
    new Map(rows.map((i) => [id(i), name])),
  );
  expect(Buffer.byteLength(mail.body)).toBeLessThan(256 * 1024);
  expect(mail.body).toMatch(/… and \d+ more/);
});
