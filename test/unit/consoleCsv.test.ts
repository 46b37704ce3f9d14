/** The console's CSV export (console/src/csv.ts): RFC 4180 and spreadsheet-safe. */
import { parse } from 'csv-parse/sync';
import { csvCell, toCsv } from '../../console/src/csv.js';

test('text starting with = + - @ tab or CR is prefixed with a quote; numbers stay numbers', () => {
  expect(['=SUM(1,2)', '+1', '-cmd', '@x', '\tx', '\rx'].map(csvCell)).toEqual(['"\'=SUM(1,2)"', "'+1", "'-cmd", "'@x", "'\tx", '"\'\rx"']);
  expect([-5, 0, 1.5, null, undefined, true].map(csvCell)).toEqual(['-5', '0', '1.5', '', '', 'true']);
  expect(csvCell('a "quoted", line\nbreak')).toBe('"a ""quoted"", line\nbreak"');
});

test('a file reads back as its rows (escaped cells keep their text after the quote)', () => {
  const text = toCsv(['name', 'count'], [['=HYPERLINK("x")', 3], ['plain', null]]);
  expect(text.endsWith('\r\n')).toBe(true);
  expect(parse(text)).toEqual([['name', 'count'], ['\'=HYPERLINK("x")', '3'], ['plain', '']]);
});
