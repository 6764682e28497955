/** A problem in a data or model file, reported as one line naming the file and the place. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';

  /** `where` is e.g. "line 17", "header" or "row 3, column 2"; undefined for the whole file. */
  constructor(
    readonly file: string,
    readonly where: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}${where === undefined ? '' : `, ${where}`}: ${problem}`);
  }
}
