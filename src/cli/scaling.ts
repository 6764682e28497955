/**
 * fit --scale: per-column scaling of the features before the fit, as a model file stores it
 * ("scaling": { method, offset, scale }) and predict applies it: x → (x − offset) / scale.
 * standard is scikit-learn's StandardScaler (population deviation), minmax its MinMaxScaler
 * onto [0, 1]; a constant column is only shifted (scale 1).
 */
import type { Matrix } from '../index';
import { UsageError, type Values } from './command_line';
import { DataFileError } from './data_error';
import { type Columns, type RowChunk, type RowStream, chunkValue } from './row_stream';

export const scaleMethods = ['standard', 'minmax'] as const;
export type ScaleMethod = (typeof scaleMethods)[number];

export interface Scaling {
  method: ScaleMethod;
  offset: number[];
  scale: number[];
}

/** --scale's method; undefined for none (the default). */
export function scaleOption(values: Values): ScaleMethod | undefined {
  const text = values.scale;
  if (text === undefined || text === 'none') return undefined;
  if (!(scaleMethods as readonly string[]).includes(text)) {
    throw new UsageError(`--scale must be standard, minmax or none (got "${text}")`);
  }
  return text as ScaleMethod;
}

/**
 * Column statistics gathered a chunk at a time: each chunk's mean and squared deviations in two
 * passes over it, chunks merged as Chan et al. do, so one chunk gives the two-pass result.
 */
export class ColumnStatistics {
  private rows = 0;
  private mean: Float64Array;
  private squares: Float64Array;
  private min: Float64Array;
  private max: Float64Array;

  constructor(readonly cols: number) {
    this.mean = new Float64Array(cols);
    this.squares = new Float64Array(cols);
    this.min = new Float64Array(cols).fill(Infinity);
    this.max = new Float64Array(cols).fill(-Infinity);
  }

  add(chunk: RowChunk): void {
    const n = chunk.rows;
    if (n === 0) return;
    for (let j = 0; j < this.cols; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const value = chunkValue(chunk, i, j);
        sum += value;
        if (value < this.min[j]!) this.min[j] = value;
        if (value > this.max[j]!) this.max[j] = value;
      }
      const mean = sum / n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (chunkValue(chunk, i, j) - mean) ** 2;
      const total = this.rows + n;
      const delta = mean - this.mean[j]!;
      this.squares[j]! += squares + (delta * delta * this.rows * n) / total;
      this.mean[j]! += (delta * n) / total;
    }
    this.rows += n;
  }

  scaling(method: ScaleMethod): Scaling {
    const offset: number[] = [];
    const scale: number[] = [];
    for (let j = 0; j < this.cols; j++) {
      // Equal extremes: a constant column, whose rounding residue must not be blown up.
      const constant = this.min[j] === this.max[j];
      if (method === 'standard') {
        offset.push(this.mean[j]!);
        scale.push(constant ? 1 : Math.sqrt(this.squares[j]! / this.rows));
      } else {
        offset.push(this.min[j]!);
        scale.push(constant ? 1 : this.max[j]! - this.min[j]!);
      }
    }
    return { method, offset, scale };
  }
}

/** The rows of X scaled, in a new matrix of X's dtype. */
export function scaleMatrix(X: Matrix | Columns, rows: number, cols: number, scaling: Scaling): Matrix {
  const float32 = ('columns' in X ? X.columns[0] : X.data) instanceof Float32Array;
  const data = float32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  const { offset, scale } = scaling;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const value = 'columns' in X ? X.columns[j]![i]! : X.data[i * cols + j]!;
      data[i * cols + j] = (value - offset[j]!) / scale[j]!;
    }
  }
  return { data, rows, cols };
}

/** The stream with every chunk scaled (row-major). */
export function scaledStream(stream: RowStream, scaling: Scaling): RowStream {
  return {
    name: stream.name,
    rereadable: stream.rereadable,
    close: () => stream.close(),
    async *chunks() {
      for await (const chunk of stream.chunks()) {
        // Rows of another width go on as they are, for predict's message about the model's columns.
        yield chunk.cols === scaling.offset.length
          ? { ...chunk, X: scaleMatrix(chunk.X, chunk.rows, chunk.cols, scaling) }
          : chunk;
      }
    },
  };
}

/** The scaling statistics of one pass over the stream. */
export async function streamScaling(stream: RowStream, method: ScaleMethod): Promise<Scaling> {
  let stats: ColumnStatistics | undefined;
  for await (const chunk of stream.chunks()) {
    stats ??= new ColumnStatistics(chunk.cols);
    stats.add(chunk);
  }
  if (stats === undefined) throw new DataFileError(stream.name, undefined, 'it has no rows');
  return stats.scaling(method);
}

/** The summary's line about the scaling (empty without one). */
export function scalingLine(scaling: Scaling | undefined): string {
  return scaling === undefined
    ? ''
    : `features scaled (${scaling.method}) before the fit: the centers are in scaled units\n`;
}

/** The "scaling" of a model file, checked: undefined when absent. */
export function readScaling(file: string, json: unknown, nFeatures: number): Scaling | undefined {
  if (json === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new DataFileError(file, undefined, `Cannot read the model file: "scaling" ${problem}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('must be an object');
  const { method, offset, scale } = json as Partial<Scaling>;
  if (!(scaleMethods as readonly unknown[]).includes(method)) fail('must have "method" "standard" or "minmax"');
  const finite = (list: unknown, nonZero: boolean) =>
    Array.isArray(list) &&
    list.length === nFeatures &&
    list.every((value) => typeof value === 'number' && Number.isFinite(value) && (!nonZero || value !== 0));
  if (!finite(offset, false)) fail(`"offset" must hold nFeatures = ${nFeatures} finite numbers`);
  if (!finite(scale, true)) fail(`"scale" must hold nFeatures = ${nFeatures} finite numbers other than 0`);
  return { method: method!, offset: offset!, scale: scale! };
}
