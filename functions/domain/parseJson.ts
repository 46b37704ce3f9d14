/**
 * JSON text to a value, for upload and control-route bodies alike.
 *
 * A syntax error is reported by what was wrong and where, never by the text: V8's message
 * quotes the body ("Unexpected token 'j', "jane.roe@..." is not valid JSON"), and a problem's
 * detail is stored with a rejected upload session and shown to staff (docs/decisions.md:
 * never echo the offending value).
 */
import { ProblemError } from './problems.js';

/** V8's message templates that name no input text, as "<phrase> in JSON at position N". */
const POSITIONED = /^([A-Za-z ',:{}[\]]{1,60}) in JSON at position (\d+)/;
const PHRASE_WITHOUT_QUOTE = /^[^"]*$/;

/** Parses JSON text, mapping a syntax error to `invalid_json` with its position only. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProblemError('invalid_json', `The body is not valid JSON: ${syntaxErrorDetail(text, (error as Error).message)}.`);
  }
}

/** What went wrong at which character offset, in words that never quote the text. */
export function syntaxErrorDetail(text: string, v8Message: string): string {
  const [, phrase, position] = POSITIONED.exec(v8Message) ?? [];
  if (phrase !== undefined && PHRASE_WITHOUT_QUOTE.test(phrase)) return `${phrase} at position ${position}`;
  const at = syntaxErrorOffset(text);
  return at >= text.length ? `it ends early, at position ${text.length}` : `unexpected character at position ${at}`;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * The offset of the first character that cannot continue valid JSON (the text's length when
 * it is a valid prefix that ends early). Linear and iterative; only run on the error path.
 */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  // Containers still open: '{' or '['. `expect`: what may come next.
  const open: string[] = [];
  let expect: 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'afterValue' = 'value';
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  for (;;) {
    skip();
    if (i >= text.length) return text.length;
    const c = text.charAt(i);
    if (expect === 'afterValue') {
      const top = open.at(-1);
      if (top === undefined) return i;
      if (c === ',') {
        expect = top === '{' ? 'key' : 'value';
        i++;
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        open.pop();
        i++;
      } else return i;
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return i;
      expect = 'value';
      i++;
      continue;
    }
    if (expect === 'key' || expect === 'keyOrClose') {
      if (c === '}' && expect === 'keyOrClose') {
        open.pop();
        expect = 'afterValue';
        i++;
        continue;
      }
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end;
      i = end;
      expect = 'colon';
      continue;
    }
    // A value (or, just after '[', the close).
    if (c === ']' && expect === 'valueOrClose') {
      open.pop();
      expect = 'afterValue';
      i++;
    } else if (c === '{' || c === '[') {
      open.push(c);
      expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return -end;
      i = end;
      expect = 'afterValue';
    } else {
      const literal = LITERALS.find((word) => text.startsWith(word, i));
      NUMBER.lastIndex = i;
      const number = literal === undefined ? NUMBER.exec(text) : null;
      const length = literal?.length ?? number?.[0].length ?? 0;
      if (length === 0) {
        // A literal or number cut off by the end of the text is a valid prefix.
        const rest = text.slice(i);
        return LITERALS.some((word) => word.startsWith(rest)) || rest === '-' ? text.length : i;
      }
      i += length;
      expect = 'afterValue';
    }
  }
}

/** After the closing quote of the string opening at `start`; minus the offset of what breaks it. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -i;
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === undefined) return -text.length;
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -Math.min(i + 2 + text.slice(i + 2, i + 6).search(/[^0-9a-fA-F]|$/), text.length);
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(next)) return -(i + 1);
      i += 2;
      continue;
    }
    i++;
  }
  return -text.length;
}
