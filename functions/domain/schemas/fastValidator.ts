/**
 * A fast yes/no check of one record, compiled once from the JSON Schema that zod derives from
 * the record schema, so the zod schema stays the single source of truth.
 *
 * The fast check only ever says "valid" for a record that zod accepts too: every keyword it
 * does not understand makes compilation give up (the caller then uses zod alone), and a "no"
 * merely sends the record to zod, which produces the precise issues. String lengths are
 * UTF-16 code units, as in zod.
 */
import * as z from 'zod';

export type FastCheck = (value: unknown) => boolean;

type JsonSchema = Record<string, unknown>;

const IGNORED = new Set(['$schema', 'description', 'title', 'examples']);

class Unsupported extends Error {}

function keywords(schema: JsonSchema, allowed: readonly string[]): void {
  for (const key of Object.keys(schema)) {
    if (!IGNORED.has(key) && !allowed.includes(key)) throw new Unsupported(key);
  }
}

function compileString(schema: JsonSchema): FastCheck {
  keywords(schema, ['type', 'minLength', 'maxLength', 'pattern', 'format']);
  // A format is only trusted where zod also wrote it out as a pattern.
  if (schema.format !== undefined && schema.pattern === undefined) throw new Unsupported('format');
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = (schema.maxLength as number | undefined) ?? Infinity;
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern as string);
  if (pattern) return (v) => typeof v === 'string' && v.length >= min && v.length <= max && pattern.test(v);
  return (v) => typeof v === 'string' && v.length >= min && v.length <= max;
}

function compileNumber(schema: JsonSchema, integer: boolean): FastCheck {
  keywords(schema, ['type', 'minimum', 'maximum']);
  const min = (schema.minimum as number | undefined) ?? -Infinity;
  const max = (schema.maximum as number | undefined) ?? Infinity;
  if (integer) return (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
  return (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}

function compileNode(schema: JsonSchema): FastCheck {
  if (Array.isArray(schema.anyOf)) {
    keywords(schema, ['anyOf']);
    const options = (schema.anyOf as JsonSchema[]).map(compileNode);
    if (options.length === 2) {
      const [a, b] = options as [FastCheck, FastCheck];
      return (v) => a(v) || b(v);
    }
    return (v) => options.some((check) => check(v));
  }
  switch (schema.type) {
    case 'string':
      return compileString(schema);
    case 'integer':
      return compileNumber(schema, true);
    case 'number':
      return compileNumber(schema, false);
    case 'boolean':
      keywords(schema, ['type']);
      return (v) => typeof v === 'boolean';
    case 'null':
      keywords(schema, ['type']);
      return (v) => v === null;
    case 'object':
      return compileObject(schema);
    default:
      throw new Unsupported(`type ${String(schema.type)}`);
  }
}

/** Strict objects whose properties are all required: then "no other keys" is a key count. */
function compileObject(schema: JsonSchema): FastCheck {
  keywords(schema, ['type', 'properties', 'required', 'additionalProperties']);
  if (schema.additionalProperties !== false) throw new Unsupported('open object');
  const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
  const required = new Set((schema.required ?? []) as string[]);
  if (properties.some(([name]) => !required.has(name)) || required.size !== properties.length) throw new Unsupported('optional property');
  const names = properties.map(([name]) => name);
  const checks = properties.map(([, property]) => compileNode(property));
  const count = names.length;
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const record = v as Record<string, unknown>;
    let seen = 0;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) return false;
      seen += 1;
    }
    if (seen !== count) return false;
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      if (!Object.hasOwn(record, name) || !checks[i]!(record[name])) return false;
    }
    return true;
  };
}

/** JSON Schema leaves refinements out; a schema that has one is not compiled. */
function refuseRefinements(ctx: { zodSchema: unknown }): void {
  const checks = (ctx.zodSchema as { _zod?: { def?: { checks?: { _zod: { def: { check: string } } }[] } } })._zod?.def?.checks ?? [];
  if (checks.some((check) => check._zod.def.check === 'custom')) throw new Unsupported('refinement');
}

/**
 * The fast check of a zod schema, or undefined when it has a refinement or its JSON Schema uses
 * anything not covered here (then zod alone decides).
 */
export function compileFastCheck(schema: z.ZodType): FastCheck | undefined {
  try {
    return compileNode(z.toJSONSchema(schema, { unrepresentable: 'throw', override: refuseRefinements }) as JsonSchema);
  } catch {
    return undefined;
  }
}
