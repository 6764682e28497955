/**
 * Rows read one piece at a time: in memory, all the rows are one piece starting at row 0.
 * (The interface that passes over data sources share.)
 */
import type { PreparedData } from './model_inputs';
import type { Plan } from './plan';

/** One piece of the rows: `firstRow` is its first row's index in all the data. */
export interface RowPiece {
  data: PreparedData;
  firstRow: number;
}

/** Rows that a pass visits piece by piece. */
export interface RowInput {
  data: PreparedData;
}

/** One pass over the rows: `visit` for each piece, in row order. */
export function* forEachPiece(input: RowInput, visit: (piece: RowPiece) => Plan<void>): Plan<void> {
  yield* visit({ data: input.data, firstRow: 0 });
}

export function memoryInput(data: PreparedData): RowInput {
  return { data };
}
