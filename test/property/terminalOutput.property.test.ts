/**
 * What the CLI prints from the service never drives the terminal: every control character in a
 * value an install chose (item names, device types, versions, names, problem details) is shown
 * escaped, and a value cannot add a line. An attack uploaded the item
 * "\x1b[2J\x1b[31mPWNED\x1b[0m\nforged line"; `customer` and `reports versions` printed it raw.
 * Also the spreadsheet rule for CSV cells.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import fc from 'fast-check';
import { runCli } from '../../functions/cli/main.js';
import { formatBundle, formatProblem, formatReceipt, formatTable } from '../../functions/cli/output.js';
import { spreadsheetCell, terminalJson } from '../../functions/cli/terminalText.js';
import { propertyOptions } from './settings.js';

const ATTACK = '\u001b[2J\u001b[31mPWNED\u001b[0m\nforged line';
/** Any control character a terminal acts on, but the line breaks the CLI writes itself. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const controlChar = fc.constantFrom('\u001b', '\u0007', '\u0000', '\r', '\n', '\t', '\u007f', '\u009b', '\u0085', '\u2028', '\u202e', '\u2066', '\b');
const hostile = fc.array(fc.oneof(controlChar, fc.string({ maxLength: 4 }), fc.constant('[2J')), { maxLength: 12 }).map((parts) => parts.join(''));

function assertSafe(text: string, lines: number): void {
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text.split('\n')).toHaveLength(lines);
}

it('a table of hostile cells keeps one line per row and escapes every control character', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(hostile, hostile, fc.nat()), { minLength: 1, maxLength: 6 }), (rows) => {
      const text = formatTable(rows.map(([deviceType, softwareVersion, devices]) => ({ deviceType, softwareVersion, devices })), ['deviceType', 'softwareVersion', 'devices']);
      assertSafe(text, rows.length + 2);
    }),
    propertyOptions(300),
  );
});

it('problems, receipts and bundle results escape every field from the service', () => {
  fc.assert(
    fc.property(hostile, hostile, hostile, (detail, path, name) => {
      assertSafe(formatProblem({ type: 'about:blank', title: 't', status: 400, code: 'validation_failed', detail, errors: [{ path, message: name }] } as never), 2);
      const receipt = { uploadId: name, installId: path, queryType: name, collectedAt: detail, sha256: name, recordCount: 1, duplicate: false } as never;
      assertSafe(formatReceipt(receipt), 3);
      const bundle = { bundleId: name, installId: detail, results: [{ queryType: name, status: path, receipt }] } as never;
      assertSafe(formatBundle(bundle), 4);
    }),
    propertyOptions(300),
  );
});

it('--json output is the same JSON, with no raw control character', () => {
  fc.assert(
    fc.property(fc.jsonValue(), hostile, (value, text) => {
      const shownJson = terminalJson({ value, text });
      expect(shownJson.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
      expect(JSON.parse(shownJson)).toEqual(JSON.parse(JSON.stringify({ value, text })));
    }),
    propertyOptions(500),
  );
});

describe('the CLI against a service answering with hostile values', () => {
  let url: string;
  const server = createServer((req, res) => {
    const body = req.url!.startsWith('/v1/customers/')
      ? { customerId: 'c1', installs: 1, devices: { licensed: 1, unlicensed: 0, nextUnlicensedOn: null, expiringWithin30Days: 0 }, containers: { licensed: 0, unlicensed: 0, nextUnlicensedOn: null, expiringWithin30Days: 0 }, licensingCounts: { [ATTACK]: 3, seats: 2 }, users: { users: 1, activeUsers: 1, reportRecipients: 0 } }
      : { items: [{ deviceType: ATTACK, softwareVersion: `1.0${ATTACK}`, devices: 2, installs: 1 }], nextCursor: null };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  async function run(args: string[]): Promise<string> {
    let stdout = '';
    const code = await runCli(args, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true, isTTY: false }, env: { MPA_URL: url, MPA_API_KEY: 'mpas_x' } });
    expect(code).toBe(0);
    return stdout;
  }

  it.each([
    [['customer', 'c1']],
    [['reports', 'versions']],
    [['--json', 'customer', 'c1']],
    [['--json', 'reports', 'versions']],
  ])('mpa-licensing %j shows the item escaped, on its own row', async (args) => {
    const out = await run(args);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).not.toMatch(/^forged line/m);
    expect(out).toContain(args[0] === '--json' ? '\\u001b[2J' : '\\x1b[2J');
  });
});

describe('a CSV cell for a spreadsheet', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\t=x', "'\t=x"],
    ['a,b', '"a,b"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['seats', 'seats'],
  ])('%j becomes %j', (value, cell) => {
    expect(spreadsheetCell(value)).toBe(cell);
  });

  it('never starts with a formula character, whatever the value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const cell = spreadsheetCell(value);
        const content = cell.startsWith('"') ? cell.slice(1) : cell;
        expect(content).not.toMatch(/^[=+\-@\t\r]/);
      }),
      propertyOptions(500),
    );
  });
});
