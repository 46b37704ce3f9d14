/**
 * The bundles' CSV reader (functions/bundles/csv.ts) against csv-parse, which it replaced, with
 * the options it was used with ({ bom: true, skip_empty_lines: true }): on generated files, valid
 * and not (quotes, doubled quotes, commas, CR, LF, CRLF, blank lines, a byte-order mark, characters
 * of two to four UTF-8 bytes), cut into chunks at arbitrary bytes, both give the same rows, or
 * both refuse the file for the same reason.
 */
import fc from 'fast-check';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { type CsvErrorKind, csvRows, CsvSyntaxError } from '../../functions/bundles/csv.js';
import { propertyOptions } from './settings.js';

const kindOf: Record<string, CsvErrorKind> = {
  CSV_QUOTE_NOT_CLOSED: 'quote-not-closed',
  INVALID_OPENING_QUOTE: 'invalid-opening-quote',
  CSV_INVALID_CLOSING_QUOTE: 'invalid-closing-quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'inconsistent-fields',
};

type Outcome = { rows: string[][] } | { error: CsvErrorKind };

function oracle(bytes: Buffer): Outcome {
  try {
    return { rows: parse(bytes, { bom: true, skip_empty_lines: true }) as string[][] };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const kind = kindOf[error.code];
    if (!kind) throw new Error(`csv-parse error ${error.code} has no counterpart`);
    return { error: kind };
  }
}

/** The rows our reader gives for `bytes` cut into chunks at `cuts` (byte offsets, any order, taken modulo the length + 1). */
async function readRows(bytes: Buffer, cuts: number[] = [], limit = 1_000_000): Promise<string[][]> {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    chunks.push(bytes.subarray(at, cut));
    at = cut;
  }
  chunks.push(bytes.subarray(at));
  const rows: string[][] = [];
  for await (const batch of csvRows((async function* () { yield* chunks; })(), limit)) rows.push(...batch);
  return rows;
}

async function ours(bytes: Buffer, cuts: number[]): Promise<Outcome> {
  try {
    return { rows: await readRows(bytes, cuts) };
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { error: error.kind };
  }
}

const BOM = '\uFEFF';
/** Any text from the characters that mean something in CSV, and some that take several bytes. */
const anyText = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '""', '\r', '\n', '\r\n', ' ', '\u00e9', '\u20ac', '\ud83d\ude00', BOM), maxLength: 40 });
/** Well-formed files: a field quoted when it must be (or at random), rows of the header's width, one line ending. */
const field = fc.string({ unit: fc.constantFrom('x', 'y', ',', '"', '\r', '\n', ' ', '\u00e9', '\ud83d\ude00'), maxLength: 6 });
const wellFormed = fc
  .record({
    width: fc.integer({ min: 1, max: 4 }),
    rows: fc.integer({ min: 0, max: 6 }),
    ending: fc.constantFrom('\r\n', '\n', '\r'),
    bom: fc.boolean(),
    finalEnding: fc.boolean(),
    blankLines: fc.boolean(),
  })
  .chain(({ width, rows, ending, bom, finalEnding, blankLines }) =>
    fc.array(fc.array(fc.tuple(field, fc.boolean()), { minLength: width, maxLength: width }), { minLength: rows + 1, maxLength: rows + 1 }).map((table) => {
      const cell = ([text, quote]: [string, boolean]) => (quote || /[",\r\n]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text);
      const lines = table.map((row) => row.map(cell).join(','));
      const text = lines.join(blankLines ? ending + ending : ending) + (finalEnding ? ending : '');
      return (bom ? BOM : '') + text;
    }),
  );
const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 6 });

it.each([
  ['well-formed files', wellFormed, 1500],
  ['or refuses any text', anyText, 3000],
] as const)('reads %s as csv-parse does, whatever the chunks', async (_, texts, runs) => {
  await fc.assert(
    fc.asyncProperty(texts, cuts, async (text, at) => {
      const bytes = Buffer.from(text);
      expect(await ours(bytes, at)).toEqual(oracle(bytes));
    }),
    propertyOptions(runs),
  );
});

const read = (text: Buffer | string, limit?: number, cut?: number) => readRows(Buffer.from(text), cut === undefined ? [] : [cut], limit);

it('refuses a record longer than the limit, its fields and separators counted in characters', async () => {
  expect(await read('a,b\n12345,12345\n', 11)).toEqual([['a', 'b'], ['12345', '12345']]);
  await expect(read('a,b\n12345,123456\n', 11)).rejects.toMatchObject({ kind: 'record-too-long', record: 1 });
  await expect(read('a\n"123456789012"\n', 11)).rejects.toMatchObject({ kind: 'record-too-long', record: 1 });
  // Nothing but separators is bounded too.
  await expect(read(`x${','.repeat(11)}\n`, 11)).rejects.toMatchObject({ kind: 'record-too-long', record: 0 });
});

it('reads a UTF-16LE file by its byte-order mark, as csv-parse does, whatever the chunks', async () => {
  const text = 'deviceId,arid\r\n00042,"1,23 \u00e9\ud83d\ude00"\r\n';
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const expected = parse(bytes, { bom: true, skip_empty_lines: true }) as string[][];
  expect(expected).toEqual([['deviceId', 'arid'], ['00042', '1,23 \u00e9\ud83d\ude00']]);
  for (let cut = 0; cut <= bytes.length; cut++) expect(await read(bytes, 1_000_000, cut)).toEqual(expected);
  // Without the mark, the same bytes are not UTF-16.
  expect(await read(Buffer.from('ab', 'utf16le'))).toEqual([['a\u0000b\u0000']]);
});

it('refuses a NUL right after a closing quote (csv-parse took it for the end of the data)', async () => {
  await expect(read('a\n"x"\u0000\n')).rejects.toMatchObject({ kind: 'invalid-closing-quote', record: 1 });
});

it('refuses bytes that are not UTF-8 (nor UTF-16 after its mark) at any cut, where csv-parse put U+FFFD in their place', async () => {
  // A Latin-1 export's "Zürich" (0xFC): not UTF-8. Stored, it would read "Z\uFFFDrich".
  const latin1 = Buffer.concat([Buffer.from('item,count\nZ'), Buffer.from([0xfc]), Buffer.from('rich,3\n')]);
  expect(oracle(latin1)).toEqual({ rows: [['item', 'count'], ['Z\uFFFDrich', '3']] });
  for (let cut = 0; cut <= latin1.length; cut++) await expect(readRows(latin1, [cut])).rejects.toMatchObject({ kind: 'invalid-encoding', record: -1 });
  // A UTF-8 sequence cut short at the end of the file.
  await expect(read(Buffer.from([0x61, 0x0a, 0xe2, 0x82]))).rejects.toMatchObject({ kind: 'invalid-encoding' });
  // UTF-16 with a lone surrogate.
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\n', 'utf16le'), Buffer.from([0x3d, 0xd8]), Buffer.from('\n', 'utf16le')]);
  await expect(read(utf16)).rejects.toMatchObject({ kind: 'invalid-encoding' });
  // Valid multi-byte characters cut between chunks are read whole.
  const valid = Buffer.from('item\nZ\u00fcrich \u20ac\ud83d\ude00\n');
  for (let cut = 0; cut <= valid.length; cut++) expect(await readRows(valid, [cut])).toEqual([['item'], ['Z\u00fcrich \u20ac\ud83d\ude00']]);
});
