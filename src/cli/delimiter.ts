/**
 * --delimiter: the field separator of CSV and TSV data, one character or a name for it. Without
 * it the separator follows the format (a comma for CSV, a tab for TSV).
 */
import { UsageError } from './command_line';

const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

/**
 * The character --delimiter names. Refused: characters that belong inside numbers or fields
 * (letters, digits, ".", "+", "-"), the quote, and white space other than the tab (fields are
 * trimmed of spaces).
 */
export function parseDelimiter(text: string): string {
  const delimiter = named[text.toLowerCase()] ?? text;
  if (
    [...delimiter].length !== 1 ||
    /[\p{L}\p{N}.+\-"]/u.test(delimiter) ||
    (delimiter !== '\t' && /\s/u.test(delimiter))
  ) {
    throw new UsageError(
      `--delimiter must be one character (not a letter, digit, space, ".", "+", "-" or a quote) ` +
        `or tab, comma, semicolon or pipe (got "${text}")`,
    );
  }
  return delimiter;
}

/** --delimiter applies to CSV and TSV data only. */
export function checkDelimiterFormat(delimiter: string | undefined, format: string): void {
  if (delimiter !== undefined && format !== 'csv' && format !== 'tsv') {
    throw new UsageError(`--delimiter applies to CSV and TSV data, not ${format}`);
  }
}
