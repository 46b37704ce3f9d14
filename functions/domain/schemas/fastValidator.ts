/**
 * A fast yes/no check of one record, compiled once from the JSON Schema that zod derives from
 * the record schema, so the zod schema stays the single source of truth. The JSON Schemas are
 * derived at build time (./recordJsonSchemas.ts, written into
 * ../queries/recordSchemas.generated.ts), so the functions load no JSON Schema converter.
 *
 * The fast check only ever says "valid" for a record that zod accepts too: every keyword it
 * does not understand makes compilation give up (the caller then uses zod alone), and a "no"
 * merely sends the record to zod, which produces the precise issues. String lengths are
 * UTF-16 code units, as in zod.
 */
export type FastCheck = (value: unknown) => boolean;

/**
 * Makes a fresh fast check of one schema: one per upload, so that what a check remembers (the
 * last string each character run accepted, see runCheck) lives no longer than the upload's
 * validation and is never another customer's.
 */
export type FastCheckMaker = () => FastCheck;

export type JsonSchema = Record<string, unknown>;

/** Keywords that say nothing about validity (./recordJsonSchemas.ts leaves them out of the generated schemas). */
export const IGNORED = new Set(['$schema', 'description', 'title', 'examples']);

class Unsupported extends Error {}

function keywords(schema: JsonSchema, allowed: readonly string[]): void {
  for (const key of Object.keys(schema)) {
    if (!IGNORED.has(key) && !allowed.includes(key)) throw new Unsupported(key);
  }
}

/**
 * The check is generated as JavaScript source (as Ajv does): one function per object schema,
 * each property tested inline. Only numbers, lengths and property names (as JSON string
 * literals) are written into the source; regular expressions are passed in as values.
 */
class Generated {
  readonly values: unknown[] = [];
  readonly functions: string[] = [];

  private names = 0;

  /** A new function name; the function is added once written (declarations are hoisted, so order is free). */
  name(kind: string): string {
    return `${kind}${this.names++}`;
  }

  /** A name under which the generated source can use `value`. */
  value(value: unknown): string {
    this.values.push(value);
    return `value${this.values.length - 1}`;
  }

  build(expression: string): FastCheckMaker {
    const names = this.values.map((_, i) => `value${i}`);
    // Compiled once; each call of the maker declares the functions afresh, with their own memory.
    const source = `return () => {\n${this.functions.join('\n')}\nreturn (v) => ${expression};\n};`;
    return new Function('hasOwn', ...names, source)(Object.hasOwn, ...this.values) as FastCheckMaker;
  }
}

function stringCheck(schema: JsonSchema, v: string, g: Generated): string {
  keywords(schema, ['type', 'minLength', 'maxLength', 'pattern', 'format']);
  // A format is only trusted where zod also wrote it out as a pattern.
  if (schema.format !== undefined && schema.pattern === undefined) throw new Unsupported('format');
  const tests = [`typeof ${v} === 'string'`];
  if (schema.minLength !== undefined) tests.push(`${v}.length >= ${integerOf(schema.minLength)}`);
  if (schema.maxLength !== undefined) tests.push(`${v}.length <= ${integerOf(schema.maxLength)}`);
  if (schema.pattern !== undefined) {
    const run = characterRun(schema.pattern as string);
    tests.push(run ? `${runCheck(run, g)}(${v})` : `${g.value(new RegExp(schema.pattern as string))}.test(${v})`);
  }
  return `(${tests.join(' && ')})`;
}

interface CharacterRun {
  /** 1 for each ASCII code allowed. */
  allowed: Uint8Array;
  min: number;
  max: number;
}

/**
 * A pattern of the form `^[class]{min,max}$` whose class lists only letters, digits, `_` and
 * `-`, one by one or as ranges (the anonymized identifiers', ARIDs'), as the run it describes.
 * Such a run is checked by a loop over a table, twice as fast as the regular expression and
 * exactly as strict: both count UTF-16 code units, and anything else in the class, or any
 * other form of pattern, is left to the regular expression.
 */
export function characterRun(pattern: string): CharacterRun | undefined {
  const match = /^\^\[([A-Za-z0-9_-]+)\]\{(\d+),(\d+)\}\$$/.exec(pattern);
  if (!match) return undefined;
  const [, members = '', min = '', max = ''] = match;
  const allowed = new Uint8Array(128);
  for (let i = 0; i < members.length; i++) {
    const from = members.charCodeAt(i);
    // `x-y` is a range; a `-` first or last is itself.
    if (members[i + 1] === '-' && i + 2 < members.length) {
      const to = members.charCodeAt(i + 2);
      if (to < from) return undefined;
      allowed.fill(1, from, to + 1);
      i += 2;
    } else {
      allowed[from] = 1;
    }
  }
  if (Number(max) < Number(min)) return undefined;
  return { allowed, min: Number(min), max: Number(max) };
}

/**
 * Generates the loop checking a character run and answers its function's name. Each run check
 * (one per property) remembers the last string it accepted: an export repeats a container's or
 * a probe's identifier for each of its devices in a row, and comparing with the last one halves
 * the check's time (a 100,000-device export: 16 → 7 ms, bench/README.md). The check is a
 * function of the string's characters alone, so the answer is the same. What it remembers is
 * one upload's (FastCheckMaker), and only ever compared.
 */
function runCheck(run: CharacterRun, g: Generated): string {
  const name = g.name('run');
  const allowed = g.value(run.allowed);
  const acceptedName = `${name}Accepted`;
  g.functions.push(
    [
      `let ${acceptedName};`,
      `function ${name}(v) {`,
      `  if (v === ${acceptedName}) return true;`,
      '  const n = v.length;',
      `  if (n < ${run.min} || n > ${run.max}) return false;`,
      '  for (let i = 0; i < n; i++) {',
      '    const c = v.charCodeAt(i);',
      `    if (c > 127 || ${allowed}[c] === 0) return false;`,
      '  }',
      `  ${acceptedName} = v;`,
      '  return true;',
      '}',
    ].join('\n'),
  );
  return name;
}

function numberCheck(schema: JsonSchema, v: string, integer: boolean): string {
  keywords(schema, ['type', 'minimum', 'maximum']);
  const tests = [`typeof ${v} === 'number'`, integer ? `Number.isSafeInteger(${v})` : `Number.isFinite(${v})`];
  if (schema.minimum !== undefined) tests.push(`${v} >= ${numberOf(schema.minimum)}`);
  if (schema.maximum !== undefined) tests.push(`${v} <= ${numberOf(schema.maximum)}`);
  return `(${tests.join(' && ')})`;
}

/** A boolean expression over `v` that is true when the value satisfies the schema. */
function check(schema: JsonSchema, v: string, g: Generated): string {
  if (Array.isArray(schema.anyOf)) {
    keywords(schema, ['anyOf']);
    return `(${(schema.anyOf as JsonSchema[]).map((option) => check(option, v, g)).join(' || ')})`;
  }
  switch (schema.type) {
    case 'string':
      return stringCheck(schema, v, g);
    case 'integer':
      return numberCheck(schema, v, true);
    case 'number':
      return numberCheck(schema, v, false);
    case 'boolean':
      keywords(schema, ['type']);
      return `(typeof ${v} === 'boolean')`;
    case 'null':
      keywords(schema, ['type']);
      return `(${v} === null)`;
    case 'object':
      return `${objectCheck(schema, g)}(${v})`;
    default:
      throw new Unsupported(`type ${String(schema.type)}`);
  }
}

/**
 * Strict objects whose properties are all required: then "no other keys" is a key count. The
 * count takes every enumerable key, inherited ones too, and each property must be an own one:
 * so a count equal to the number of properties leaves room for no other own key.
 *
 * Records are plain objects (made by JSON.parse or the CSV reader), whose only prototype is
 * Object.prototype, which has no enumerable properties. So a property whose name Object.prototype
 * does not hold is own exactly when reading it gives a value, and no check here accepts
 * `undefined` (each tests a type, or null): only names Object.prototype holds (`constructor`,
 * `toString`, …) are tested with `hasOwn`, which took a third of a devices record's check.
 * Generates a function and answers its name.
 */
function objectCheck(schema: JsonSchema, g: Generated): string {
  keywords(schema, ['type', 'properties', 'required', 'additionalProperties']);
  if (schema.additionalProperties !== false) throw new Unsupported('open object');
  const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
  const required = new Set((schema.required ?? []) as string[]);
  if (properties.some(([name]) => !required.has(name)) || required.size !== properties.length) throw new Unsupported('optional property');
  const name = g.name('object');
  const lines = [
    `function ${name}(v) {`,
    `  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;`,
    '  let seen = 0;',
    '  for (const key in v) seen += 1;',
    `  if (seen !== ${properties.length}) return false;`,
    '  let p;',
    ...properties.flatMap(([property, propertySchema]) => {
      const key = JSON.stringify(property);
      const ownTest = property in Object.prototype ? [`  if (!hasOwn(v, ${key})) return false;`] : [];
      return [...ownTest, `  p = v[${key}];`, `  if (!${check(propertySchema, 'p', g)}) return false;`];
    }),
    '  return true;',
    '}',
  ];
  g.functions.push(lines.join('\n'));
  return name;
}

function integerOf(value: unknown): number {
  if (!Number.isSafeInteger(value)) throw new Unsupported('length');
  return value as number;
}

function numberOf(value: unknown): string {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Unsupported('bound');
  return value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
}

/**
 * The maker of a record's JSON Schema's fast check, or undefined when there is none (the record schema
 * has a refinement, ./recordJsonSchemas.ts) or it uses anything not covered here (then zod
 * alone decides).
 */
export function compileFastCheck(schema: JsonSchema | null): FastCheckMaker | undefined {
  if (schema === null) return undefined;
  try {
    const g = new Generated();
    const expression = check(schema, 'v', g);
    return g.build(expression);
  } catch {
    return undefined;
  }
}
