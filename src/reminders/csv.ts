/**
 * CSV as RFC 4180 defines it (https://www.rfc-editor.org/rfc/rfc4180#section-2): records end with CRLF, a
 * field holding a comma, a double quote, CR or LF is enclosed in double quotes, and a double quote inside
 * one is written twice. Spreadsheets run a cell that starts with = + - @ (or a tab or CR, which some of them
 * skip before looking) as a formula, so such a cell gets a leading single quote, as OWASP's "CSV Injection"
 * page recommends (https://owasp.org/www-community/attacks/CSV_Injection); the quote makes the cell text.
 */

export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, defused and quoted as needed. Numbers are written as they are (a negative number stays a number). */
export function csvField(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== value ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header and rows as one CSV document, every record (the last one too) ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}
