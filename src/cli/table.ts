/** The numbers read from a data file: a row-major matrix plus the column names, if the file has them. */
export type DType = 'float64' | 'float32';

export interface Table {
  data: Float64Array | Float32Array;
  rows: number;
  cols: number;
  /** The names of the chosen columns, from a header line or NDJSON keys. */
  columnNames: string[] | undefined;
}

/** Collects rows of a known width into a growing buffer. */
export class TableBuilder {
  private values = new Float64Array(4096);
  private length = 0;
  rows = 0;

  constructor(readonly cols: number) {}

  /** Appends one value; rows are complete after every `cols` calls. */
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
    if (this.length % this.cols === 0) this.rows++;
  }

  finish(dtype: DType, columnNames: string[] | undefined): Table {
    const used = this.values.subarray(0, this.length);
    const data = dtype === 'float32' ? Float32Array.from(used) : used.slice();
    return { data, rows: this.rows, cols: this.cols, columnNames };
  }
}

const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a text field holds, or undefined when it is not a plain decimal number. */
export function parseNumber(text: string): number | undefined {
  return numberPattern.test(text) ? Number(text) : undefined;
}
