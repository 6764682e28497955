/**
 * Checks of the data against the fit that the library would also refuse, or could not compute,
 * made here first so that the message names the file, the line and the command's own options.
 */
import { magnitudeLimit } from '../matrix';
import { DataFileError } from './data_error';
import type { Table } from './table';

/** k-means needs at least k rows. */
export function checkClusterCount(name: string, table: Table, k: number): void {
  if (table.rows < k) {
    throw new DataFileError(
      name,
      undefined,
      `it has ${table.rows} row${table.rows === 1 ? '' : 's'}, fewer than the ${k} clusters asked for (-k)`,
    );
  }
}

/** Sums of squared distances must stay finite: |value| below 6.7e153 / sqrt(d·n) (float64 data). */
export function checkMagnitudes(name: string, table: Table): void {
  const { data, rows, cols } = table;
  const limit = magnitudeLimit(data, rows, cols);
  for (let i = 0; i < rows * cols; i++) {
    if (Math.abs(data[i]!) >= limit) {
      const row = Math.floor(i / cols);
      throw new DataFileError(
        name,
        `${table.place(row)}, column ${(i % cols) + 1}`,
        `${Number(data[i]!.toPrecision(6)).toExponential()} is too large: sums of squared distances would overflow float64 (|values| must stay below ${limit.toPrecision(3)} with ${rows} rows and ${cols} columns); scale the data down`,
      );
    }
  }
}

/** Cosine distance needs every row to have a direction. */
export function checkNoZeroRows(name: string, table: Table): void {
  const { data, rows, cols } = table;
  for (let row = 0; row < rows; row++) {
    let zero = true;
    for (let j = 0; j < cols && zero; j++) zero = data[row * cols + j] === 0;
    if (zero)
      throw new DataFileError(
        name,
        table.place(row),
        'the row is all zeros, which has no direction for --metric cosine',
      );
  }
}
