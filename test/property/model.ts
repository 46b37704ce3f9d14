/**
 * An independent model of DESIGN.md §1–2 for the property tests: each query type's fields
 * as the contract states them (one table), arbitraries of valid uploads built from that
 * table, and reference summaries computed the plain way. Nothing here uses the code under
 * test (functions/domain), except its list of query types to check the table against.
 */
import fc from 'fast-check';
import type { QueryType } from '../../functions/domain/queries/index.js';

export type Rec = Record<string, unknown>;

export type Field =
  | { kind: 'text'; max: number; nullable?: boolean }
  | { kind: 'token'; nullable?: boolean }
  | { kind: 'count' }
  | { kind: 'number'; min: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'date'; nullable: true }
  | { kind: 'datetime' }
  | { kind: 'arid' };

/** The upload's context: collectedAt as written, as an instant, and its local date. */
export interface Ctx {
  collectedAtAsSent: string;
  collectedAtMs: number;
  collectedOn: string;
}

export interface TypeModel {
  optional: boolean;
  fields: Record<string, Field>;
  /** Fields whose values together are unique within an upload. */
  unique: readonly string[];
  /** How many records a generated upload holds. */
  records: { min: number; max: number };
  /** Makes a generated record keep the type's rules across its own fields. */
  fix?: (record: Rec, ctx: Ctx) => Rec;
  /** Generates the records itself (containers: a forest). */
  recordsArb?: (ctx: Ctx) => fc.Arbitrary<Rec[]>;
  reference: (records: Rec[], ctx: Ctx) => unknown;
}

// ---- values ----

export const DAY = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An RFC 3339 datetime of an instant, written at an offset (minutes east of UTC). */
export function renderDateTime(ms: number, offsetMinutes: number, fractionDigits: number, zulu: boolean): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction = fractionDigits === 0 ? '' : `.${pad(local.getUTCMilliseconds(), 3).slice(0, fractionDigits)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 && zulu ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${date}T${time}${fraction}${zone}`;
}

/** Offsets of real time zones: -12:00 to +14:00 in quarter hours. */
const offsetMinutes = fc.integer({ min: -48, max: 56 }).map((q) => q * 15);

/** An instant `ms` written at a random offset, whole seconds or with a fraction. */
export function dateTimeAt(ms: number): fc.Arbitrary<string> {
  return fc
    .tuple(offsetMinutes, fc.integer({ min: 0, max: 3 }), fc.boolean())
    .map(([offset, digits, zulu]) => renderDateTime(digits === 0 ? ms - (ms % 1000) : ms, offset, digits, zulu));
}

/** collectedAt within the accepted window around `now` (at least a second inside either end). */
export function collectedAtArb(now: number): fc.Arbitrary<Ctx> {
  return fc
    .integer({ min: now - 400 * DAY + 60_000, max: now + 4 * 60_000 })
    .chain((ms) => dateTimeAt(Math.floor(ms / 1000) * 1000))
    .map((collectedAtAsSent) => ({ collectedAtAsSent, collectedAtMs: Date.parse(collectedAtAsSent), collectedOn: collectedAtAsSent.slice(0, 10) }));
}

const TOKEN_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'];
export const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 8, maxLength: 128 });

/**
 * Text of 1..max UTF-16 units: printable ASCII up to the limit, or any Unicode (emoji,
 * combining marks, RTL, astral planes). No '@': an e-mail address would make it pii.
 */
export function textArb(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: max }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.max(1, Math.floor(max / 4)) }) },
    )
    .map((s) => s.replaceAll('@', '#'))
    .filter((s) => s.length >= 1 && s.length <= max);
}

export const countArb = fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 1000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) });

const dateArb = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));

function fieldArb(field: Field, ctx: Ctx): fc.Arbitrary<unknown> {
  const nullable = (arb: fc.Arbitrary<unknown>, isNullable: boolean | undefined) => (isNullable ? fc.option(arb, { nil: null, freq: 3 }) : arb);
  switch (field.kind) {
    case 'text':
      return nullable(textArb(field.max), field.nullable);
    case 'token':
      return nullable(tokenArb, field.nullable);
    case 'count':
      return countArb;
    case 'number':
      return fc.double({ min: field.min, max: field.max ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'bool':
      return fc.boolean();
    case 'date':
      return fc.option(dateArb, { nil: null, freq: 3 });
    case 'datetime':
      return fc.integer({ min: ctx.collectedAtMs - 3 * DAY, max: ctx.collectedAtMs }).chain(dateTimeAt);
    case 'arid':
      return fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 5, maxLength: 12 }), { nil: null, freq: 3 });
  }
}

// ---- reference summaries ----

/** Sums per key, keys sorted; beyond 500 distinct keys, later keys count under '(other)'. */
export function histogram(records: Rec[], key: (r: Rec) => string, amount: (r: Rec) => number = () => 1): Record<string, number> {
  const sums = new Map<string, number>();
  for (const r of records) {
    let k = key(r);
    if (!sums.has(k) && sums.size >= 499) k = '(other)';
    sums.set(k, (sums.get(k) ?? 0) + amount(r));
  }
  return Object.fromEntries([...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sum = (records: Rec[], field: string) => records.reduce((s, r) => s + (r[field] as number), 0);

function licenseStates(records: Rec[], ctx: Ctx) {
  const licensed = records.filter((r) => r.licensed === true);
  const ending = licensed.map((r) => r.unlicensedOn).filter((d): d is string => typeof d === 'string').sort();
  const windowEnd = addDays(ctx.collectedOn, 30);
  return {
    licensed: licensed.length,
    unlicensed: records.length - licensed.length,
    nextUnlicensedOn: ending[0] ?? null,
    expiringWithin30Days: ending.filter((d) => d <= windowEnd).length,
  };
}

/** The expiring report's histogram of a license-state upload: the earliest 400 dates, the rest counted. */
export function expiriesOf(records: Rec[]) {
  const counts = new Map<string, number>();
  for (const r of records) if (r.licensed === true && typeof r.unlicensedOn === 'string') counts.set(r.unlicensedOn, (counts.get(r.unlicensedOn) ?? 0) + 1);
  const dates = [...counts.keys()].sort();
  return {
    dates: Object.fromEntries(dates.slice(0, 400).map((d) => [d, counts.get(d)!])),
    later: dates.slice(400).reduce((n, d) => n + counts.get(d)!, 0),
  };
}

function containerDepths(records: Rec[]): number[] {
  const parentOf = new Map(records.map((r) => [r.containerId as string, r.parentId as string | null]));
  return records.map((r) => {
    let depth = 1;
    for (let at = r.parentId as string | null; at !== null; at = parentOf.get(at) ?? null) depth += 1;
    return depth;
  });
}

/** A forest: each container's parent is null or one made before it; then the order is shuffled. */
function forestArb(): fc.Arbitrary<Rec[]> {
  return fc
    .uniqueArray(tokenArb, { minLength: 0, maxLength: 30 })
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids),
        fc.array(fc.option(fc.nat(), { nil: null, freq: 4 }), { minLength: ids.length, maxLength: ids.length }),
        fc.array(fc.nat(), { minLength: ids.length, maxLength: ids.length }),
      ),
    )
    .map(([ids, parents, order]) =>
      ids
        .map((containerId, i) => ({ containerId, parentId: i === 0 || parents[i] === null ? null : ids[parents[i]! % i]!, sortKey: order[i]! }))
        .sort((a, b) => a.sortKey - b.sortKey)
        .map(({ containerId, parentId }) => ({ containerId, parentId })),
    );
}

// ---- the twelve query types, from DESIGN.md §1 ----

const text = (max: number, nullable = false): Field => ({ kind: 'text', max, nullable });
const token = (nullable = false): Field => ({ kind: 'token', nullable });
const count: Field = { kind: 'count' };
const number = (min: number, max?: number): Field => (max === undefined ? { kind: 'number', min } : { kind: 'number', min, max });
const licenseFields = { licensed: { kind: 'bool' }, unlicensedOn: { kind: 'date', nullable: true } } satisfies Record<string, Field>;

/** A licensed record cannot have lost its license before the date of collectedAt. */
function fixLicense(record: Rec, ctx: Ctx): Rec {
  const on = record.unlicensedOn as string | null;
  if (record.licensed !== true || on === null || on >= ctx.collectedOn) return record;
  return { ...record, unlicensedOn: addDays(ctx.collectedOn, Date.parse(on) / DAY % 400) };
}

const many = { min: 0, max: 25 };

export const models: Record<QueryType, TypeModel> = {
  'call-quality': {
    optional: true,
    fields: {
      deviceType: text(64),
      streams: count,
      poorStreams: count,
      avgMos: number(1, 5),
      avgRFactor: number(0, 100),
      avgJitterMs: number(0),
      avgPacketLossPct: number(0, 100),
      avgLatencyMs: number(0),
    },
    unique: ['deviceType'],
    records: many,
    fix: (r) => ({ ...r, poorStreams: (r.poorStreams as number) % ((r.streams as number) + 1) }),
    reference: (records) => {
      const streams = sum(records, 'streams');
      const weighted = records.reduce((s, r) => s + (r.avgMos as number) * (r.streams as number), 0);
      return { streams, poorStreams: sum(records, 'poorStreams'), avgMos: streams === 0 ? null : weighted / streams };
    },
  },
  'completed-schedules': {
    optional: true,
    fields: { deviceType: text(64), scheduleType: text(64), completed: count },
    unique: ['deviceType', 'scheduleType'],
    records: many,
    reference: (records) => ({ completed: sum(records, 'completed'), byScheduleType: histogram(records, (r) => r.scheduleType as string, (r) => r.completed as number) }),
  },
  'user-actions': {
    optional: true,
    fields: { userHash: token(), actions: count },
    unique: ['userHash'],
    records: many,
    reference: (records) => ({ users: records.length, actions: sum(records, 'actions') }),
  },
  'container-license-states': {
    optional: false,
    fields: { containerId: token(), ...licenseFields },
    unique: ['containerId'],
    records: many,
    fix: fixLicense,
    reference: licenseStates,
  },
  containers: {
    optional: false,
    fields: { containerId: token(), parentId: token(true) },
    unique: ['containerId'],
    records: { min: 0, max: 30 },
    recordsArb: forestArb,
    reference: (records) => ({
      total: records.length,
      roots: records.filter((r) => r.parentId === null).length,
      maxDepth: Math.max(0, ...containerDepths(records)),
    }),
  },
  'device-license-states': {
    optional: false,
    fields: { deviceId: text(128), ...licenseFields },
    unique: ['deviceId'],
    records: many,
    fix: fixLicense,
    reference: licenseStates,
  },
  'device-versions': {
    optional: false,
    fields: { deviceId: text(128), softwareVersion: text(64), hardwareVersion: text(64, true) },
    unique: ['deviceId'],
    records: many,
    reference: (records) => ({ total: records.length, bySoftwareVersion: histogram(records, (r) => r.softwareVersion as string) }),
  },
  devices: {
    optional: false,
    fields: {
      deviceId: text(128),
      deviceType: text(64),
      containerId: token(),
      probeId: token(true),
      arid: { kind: 'arid' },
      hardwareId: text(128, true),
      serialNumber: text(128, true),
    },
    unique: ['deviceId'],
    records: many,
    // At least one of arid, hardwareId and serialNumber.
    fix: (r) => (r.arid === null && r.hardwareId === null && r.serialNumber === null ? { ...r, arid: '1234567' } : r),
    reference: (records) => ({
      total: records.length,
      byType: histogram(records, (r) => r.deviceType as string),
      byIdentifier: {
        arid: records.filter((r) => r.arid !== null).length,
        hardwareId: records.filter((r) => r.hardwareId !== null).length,
        serialNumber: records.filter((r) => r.serialNumber !== null).length,
      },
    }),
  },
  'event-counts': {
    optional: false,
    fields: { deviceId: text(128), events: count },
    unique: ['deviceId'],
    records: many,
    reference: (records) => ({ devices: records.length, totalEvents: sum(records, 'events'), maxEvents: Math.max(0, ...records.map((r) => r.events as number)) }),
  },
  'licensing-counts': {
    optional: false,
    fields: { item: text(128), count },
    unique: ['item'],
    records: many,
    reference: (records) => ({ items: histogram(records, (r) => r.item as string, (r) => r.count as number) }),
  },
  probes: {
    optional: false,
    fields: { probeId: token(), lastCheckIn: { kind: 'datetime' }, restartsToday: count },
    unique: ['probeId'],
    records: many,
    reference: (records, ctx) => ({
      total: records.length,
      restartsToday: sum(records, 'restartsToday'),
      staleProbes: records.filter((r) => Date.parse(r.lastCheckIn as string) < ctx.collectedAtMs - DAY).length,
    }),
  },
  'user-counts': {
    optional: false,
    fields: { users: count, activeUsers: count, reportRecipients: count },
    unique: [],
    records: { min: 1, max: 1 },
    fix: (r) => ({ ...r, activeUsers: (r.activeUsers as number) % ((r.users as number) + 1) }),
    reference: (records) => ({ ...records[0] }),
  },
};

export interface GeneratedUpload {
  queryType: QueryType;
  ctx: Ctx;
  body: { schemaVersion: 1; collectedAt: string; mpaVersion: string; records: Rec[] };
}

function recordArb(model: TypeModel, ctx: Ctx): fc.Arbitrary<Rec> {
  const shape = Object.fromEntries(Object.entries(model.fields).map(([name, field]) => [name, fieldArb(field, ctx)]));
  return fc.record(shape).map((r) => (model.fix ? model.fix(r, ctx) : r));
}

export function recordsArb(queryType: QueryType, ctx: Ctx, size: { min: number; max: number } = models[queryType].records): fc.Arbitrary<Rec[]> {
  const model = models[queryType];
  if (model.recordsArb) return model.recordsArb(ctx);
  const options = { minLength: size.min, maxLength: size.max };
  if (model.unique.length === 0) return fc.array(recordArb(model, ctx), options);
  return fc.uniqueArray(recordArb(model, ctx), { ...options, selector: (r) => JSON.stringify(model.unique.map((f) => r[f])) });
}

/** A valid upload of a query type, collected within the accepted window around `now`. */
export function validUploadArb(queryType: QueryType, now: number, size?: { min: number; max: number }): fc.Arbitrary<GeneratedUpload> {
  return collectedAtArb(now).chain((ctx) =>
    fc.record({ mpaVersion: textArb(64), records: recordsArb(queryType, ctx, size) }).map(({ mpaVersion, records }) => ({
      queryType,
      ctx,
      body: { schemaVersion: 1 as const, collectedAt: ctx.collectedAtAsSent, mpaVersion, records },
    })),
  );
}

export function referenceSummary(upload: GeneratedUpload): unknown {
  return models[upload.queryType].reference(upload.body.records, upload.ctx);
}

/** A JSON path as problems write it: `records[3].deviceId`, `records[3]["odd key"]`. */
export function pathOf(...parts: (string | number)[]): string {
  return parts.reduce<string>((path, part) => {
    if (typeof part === 'number') return `${path}[${part}]`;
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) return path === '' ? part : `${path}.${part}`;
    return `${path}[${JSON.stringify(part)}]`;
  }, '');
}
