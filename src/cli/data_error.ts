/** `text` on one line, whatever it holds: control characters and line separators are shown as U+FFFD. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it matches
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]/g, '\ufffd');
}

/** A problem in a data or model file, reported as one line naming the file and the place. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';

  /** `where` is e.g. "line 17", "header" or "row 3, column 2"; undefined for the whole file. */
  constructor(
    readonly file: string,
    readonly where: string | undefined,
    readonly problem: string,
  ) {
    super(oneLine(`${file}${where === undefined ? '' : `, ${where}`}: ${problem}`));
  }
}
