/**
 * The e-mail guard of DESIGN.md §1: an e-mail address anywhere in an upload (a value or a
 * key, known field or not) rejects it with `pii_detected`.
 *
 * Linear time: each '@' is checked against a bounded window around it, so no input can make
 * the check backtrack (no ReDoS), and the walk over the parsed value is iterative.
 */
import { defined } from './defined.js';
import { lazy } from './lazy.js';

/**
 * The two patterns an '@' is checked against, built at the first '@' a process meets: their
 * Unicode classes take about 1 ms to build, once per process, which a cold start need not pay
 * (most uploads hold no '@' at all).
 *
 * `localPartChar`, the character just before the '@': a local part's last, ASCII (RFC 5322's
 * atext and '.'), any letter, digit or mark (RFC 6531's UTF-8 local parts), or the quote closing
 * a quoted one.
 *
 * `domainAfterAt`, after the '@': a domain of dot-separated labels, ASCII or internationalized
 * (U-labels of letters, digits and marks; A-labels `xn--`), whose last label is a top-level
 * domain: letters, not digits, so a version such as `1.2@3.4` is not one. Or `localhost`, or an
 * address literal `[127.0.0.1]` / `[IPv6:…]` (RFC 5321 §4.1.3). Any other dotless name (`rev@2`,
 * `a@b`) is not taken for an address: too many ordinary values look like it.
 */
const emailPatterns = lazy(() => {
  const label = String.raw`[A-Za-z0-9\p{L}\p{N}](?:[A-Za-z0-9\p{L}\p{N}\p{M}-]{0,62})`;
  const topLevel = String.raw`(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59}|\p{L}[\p{L}\p{M}]{1,23})`;
  return {
    localPartChar: /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~."\p{L}\p{N}\p{M}-]$/u,
    domainAfterAt: new RegExp(
      String.raw`^(?:${label}(?:\.${label}){0,8}\.${topLevel}(?![A-Za-z0-9\p{L}\p{N}\p{M}-])|localhost(?![A-Za-z0-9\p{L}\p{N}\p{M}-])|\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]{2,45})\])`,
      'iu',
    ),
  };
});
const DOMAIN_WINDOW = 600;

export function containsEmail(text: string): boolean {
  let at = text.indexOf('@');
  if (at === -1) return false;
  const { localPartChar, domainAfterAt } = emailPatterns();
  while (at !== -1) {
    // The whole code point before the '@' (a local part may end in a letter outside the BMP).
    const start = at >= 2 && /[\uDC00-\uDFFF]/.test(text.charAt(at - 1)) ? at - 2 : at - 1;
    const before = at > 0 ? String.fromCodePoint(defined(text.codePointAt(start), 'the code point before an @')) : '';
    if (before !== '' && localPartChar.test(before) && domainAfterAt.test(text.slice(at + 1, at + 1 + DOMAIN_WINDOW))) {
      return true;
    }
    at = text.indexOf('@', at + 1);
  }
  return false;
}

/**
 * Whether raw JSON bytes could hold an '@' once parsed: a literal '@' or a \u0040 escape.
 * When not, the walk over the parsed value can be skipped.
 */
export function jsonMayContainAt(raw: Buffer): boolean {
  return raw.indexOf(0x40) !== -1 || raw.indexOf('\\u0040') !== -1;
}

/**
 * jsonMayContainAt over JSON bytes read piece by piece: an escaped `@` (six bytes) may straddle
 * two pieces, so the seam between each piece and the next is scanned too.
 */
export class PiecewiseAtScan {
  /** Whether any piece so far (or seam) could hold an '@'. */
  mayContainAt = false;
  private tail: Buffer = Buffer.alloc(0);

  push(piece: Buffer): void {
    this.mayContainAt ||= jsonMayContainAt(piece) || jsonMayContainAt(Buffer.concat([this.tail, piece.subarray(0, 5)]));
    // The last five bytes so far, whatever the pieces' sizes; a copy, as the piece may be handed on once pushed (domain/uploadJson.ts).
    const joined = piece.length >= 5 ? piece : Buffer.concat([this.tail, piece]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 5)));
  }
}

/** JSON paths (as in problem `errors`) of every key or string that holds an e-mail address, at most `limit`. */
export function findEmails(value: unknown, limit = 100): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (found.length < limit) {
    const next = stack.pop();
    if (!next) break;
    const [node, path] = next;
    if (typeof node === 'string') {
      if (containsEmail(node)) found.push(path);
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node).reverse()) {
        // A key holding an e-mail address is not echoed back: its path names it as redacted.
        const keyIsEmail = containsEmail(key);
        const child = joinPath(path, keyIsEmail ? REDACTED_KEY : key);
        if (keyIsEmail) found.push(child);
        stack.push([(node as Record<string, unknown>)[key], child]);
      }
    }
  }
  return found.slice(0, limit);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const REDACTED_KEY = '(key holding an e-mail address)';

/** `records[41].unlicensedOn`-style paths. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
