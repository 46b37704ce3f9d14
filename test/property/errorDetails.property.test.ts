/**
 * Problem details never echo the body (docs/decisions.md): a JSON syntax error names what was
 * wrong and where, in a fixed vocabulary, whatever the text. The family of "Unexpected token
 * 'j', "jane.roe@example.com" is not valid JSON" (V8's message quoting the body).
 */
import fc from 'fast-check';
import { parseJson } from '../../functions/domain/parseJson.js';
import { isProblemError } from '../../functions/domain/problems.js';
import { propertyOptions } from './settings.js';

/** The detail of parsing `text`, which must fail. */
function detailOf(text: string): string {
  try {
    parseJson(text);
  } catch (error) {
    if (isProblemError(error)) return error.problem.detail ?? '';
    throw error;
  }
  throw new Error('parsed');
}

const SHAPE = /^The body is not valid JSON: (?:[A-Za-z ',:{}[\]]+ at position \d+|it ends early, at position \d+|unexpected character at position \d+)\.$/;

describe('a JSON syntax error', () => {
  it.each([
    ['jane.roe@example.com', 0],
    ['{"a":jane.roe@example.com}', 5],
    ['[1,]', 3],
    ['{"k":"secret" secret}', 14],
    ['{"k":"x","z":tru}', 13],
  ])('names the position, never the text, of %j', (text, at) => {
    const detail = detailOf(text);
    expect(detail).toMatch(SHAPE);
    expect(detail).not.toMatch(/jane|secret|example/);
    expect(detail).toContain(`position ${at}`);
  });

  it('reports a body that ends early by its length', () => {
    expect(detailOf('{"a":[1,2')).toMatch(/position 9\.$/);
    expect(detailOf('')).toMatch(/position 0\.$/);
  });

  it('never echoes any of the text, whatever it is', () => {
    // Arbitrary text, and valid JSON with arbitrary text spliced in: every detail is of the fixed shape.
    const spliced = fc.tuple(fc.json(), fc.string({ minLength: 1 }), fc.nat()).map(([json, junk, at]) => {
      const cut = at % (json.length + 1);
      return json.slice(0, cut) + junk + json.slice(cut);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), spliced), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        expect(detailOf(text)).toMatch(SHAPE);
      }),
      propertyOptions(2000),
    );
  });
});
