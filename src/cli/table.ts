/** The numbers read from a data file: a row-major matrix plus the column names, if the file has them. */
export type DType = 'float64' | 'float32';

export interface Table {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
  /** The names of the chosen columns, from a header line or NDJSON keys. */
  columnNames: string[] | undefined;
  /** Where row i is in the file, for messages: "line 17" or "row 3". */
  place(row: number): string;
}

/** Collects rows of a known width into a growing buffer, with the line each row came from. */
export class TableBuilder {
  private values = new Float64Array(4096);
  private lines = new Int32Array(1024);
  private length = 0;
  rows = 0;

  constructor(readonly cols: number) {}

  /** Appends one row's values, read from line `line`. */
  pushRow(row: ArrayLike<number>, line: number): void {
    if (this.length + row.length > this.values.length) this.values = grown(this.values, this.length + row.length);
    if (this.rows === this.lines.length) this.lines = grown(this.lines, this.rows + 1);
    this.values.set(row, this.length);
    this.length += row.length;
    this.lines[this.rows++] = line;
  }

  finish(dtype: DType, columnNames: string[] | undefined): Table {
    const used = this.values.subarray(0, this.length);
    const data = dtype === 'float32' ? Float32Array.from(used) : used.slice();
    const lines = this.lines.slice(0, this.rows);
    return { data, rows: this.rows, cols: this.cols, columnNames, place: (row) => `line ${lines[row]}` };
  }
}

function grown<T extends Float64Array | Int32Array>(array: T, needed: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a text field holds, or undefined when it is not a plain decimal number. */
export function parseNumber(text: string): number | undefined {
  return numberPattern.test(text) ? Number(text) : undefined;
}

/** Why `value` cannot be used in `dtype`, or undefined when it can. */
export function unusableValue(value: number, dtype: DType): string | undefined {
  if (!Number.isFinite(value)) return 'is not a finite number';
  if (dtype === 'float32' && !Number.isFinite(Math.fround(value))) return 'is beyond the float32 range (--float32)';
  return undefined;
}
