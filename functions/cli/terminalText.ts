/**
 * Text that came from the service (ultimately from an install) made safe to print on a staff
 * member's terminal: every control character is shown as an escape (`\x1b`, `\n`, `\u202e`),
 * so an item such as "\x1b[2J\x1b[31mPWNED\x1b[0m\nforged line" can neither clear the screen
 * nor forge a table row. Also the cell rule for spreadsheets (CSV exports).
 */

/**
 * C0 and DEL, C1 (0x9b is a one-byte CSI to some terminals), the line and paragraph
 * separators, and the bidirectional overrides and isolates that reorder what is shown.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, { '\n': '\\n', '\r': '\\r', '\t': '\\t' });

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One value for the terminal: its control characters visibly escaped. */
export function shown(value: unknown): string {
  return String(value).replace(CONTROL, escaped);
}

/** Printed text of several lines: every control character but the line breaks between them escaped. */
export function shownLines(text: string): string {
  return text.split('\n').map(shown).join('\n');
}

/** CONTROL but C0, which JSON.stringify escapes inside strings (its own line breaks are layout). */
const CONTROL_BEYOND_C0 = /[\u007f-\u009f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** JSON text for a terminal: the rest of CONTROL as \u escapes too (still the same JSON). */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(CONTROL_BEYOND_C0, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A CSV cell that a spreadsheet will not run: a value starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return (OWASP's CSV injection list) gets a leading `'`, and the cell is quoted
 * as RFC 4180 quotes (a quote doubled) when it needs to be.
 */
export function spreadsheetCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const neutral = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}
