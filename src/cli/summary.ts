/** What the commands print and write as text: the data's shape, the fit, the labels. */
import type { KMeans, MiniBatchKMeans } from '../index';
import type { Table } from './table';

/** What the summary says of the data: its shape, column names and, when sparse, its stored values. */
export type Shape = Pick<Table, 'rows' | 'cols' | 'columnNames'> & { stored?: number };

export function labelsCsv(labels: Int32Array): string {
  return `cluster\n${labels.join('\n')}\n`;
}

export function describeTable(name: string, { rows, cols, columnNames, stored }: Shape): string {
  const names = columnNames && cols <= 12 ? ` (${columnNames.join(', ')})` : '';
  const density = stored === undefined ? '' : `, sparse: ${stored} stored values (${percent(stored / rows / cols)})`;
  return `${name}: ${rows} rows × ${cols} columns${names}${density}`;
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(2))}%`;
}

export function clusterSizes(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]!++;
  return sizes;
}

export function runCount({ nInit, init }: KMeans['params']): number {
  return nInit === 'auto' ? (init === 'random' ? 10 : 1) : nInit;
}

/**
 * The fit in a few lines: data, run, and per cluster its size and (up to 8 features) center.
 * `sizes`: the clusters' sizes (default: from the model's labels).
 */
export function fitSummary(name: string, table: Shape, model: KMeans, sizes?: number[]): string {
  const { params } = model;
  const runs = runCount(params);
  const start = typeof params.init === 'string' ? params.init : 'the given centers';
  const line =
    `k-means (${model.algorithmUsed}): k = ${model.clusterCenters.rows}, ${runs} run${runs > 1 ? 's' : ''} from ${start}, ${seedText(params.seed)}: ` +
    `${model.nIter} iterations, ${model.converged ? 'converged' : 'not converged'}, inertia ${model.inertia.toPrecision(8)}`;
  return clusterTable(name, table, model, sizes ?? clusterSizes(model.labels, model.clusterCenters.rows), line);
}

/** A one-pass mini-batch fit in a few lines; its inertia is the fit's running estimate. */
export function miniBatchSummary(name: string, table: Shape, model: MiniBatchKMeans, sizes: number[]): string {
  const { params } = model;
  const line =
    `mini-batch k-means: k = ${model.clusterCenters.rows}, batches of ${params.batchSize} rows, ${seedText(params.seed)}: ` +
    `${model.nSteps} steps in one pass, inertia about ${model.inertia.toPrecision(4)} (estimated while fitting)`;
  return clusterTable(name, table, model, sizes, line);
}

function seedText(seed: number | undefined): string {
  return seed === undefined ? 'random seed' : `seed ${seed}`;
}

function clusterTable(name: string, table: Shape, model: KMeans | MiniBatchKMeans, sizes: number[], line: string) {
  const lines = [describeTable(name, table), line];
  const { data, rows: k, cols } = model.clusterCenters;
  if (cols <= 8) {
    const names = Array.from({ length: cols }, (_, j) => table.columnNames?.[j] ?? `x${j + 1}`);
    const widths = names.map((column) => Math.max(10, column.length));
    lines.push(['cluster', '    size', ...names.map((column, j) => column.padStart(widths[j]!))].join('  '));
    for (let c = 0; c < k; c++) {
      const center = Array.from({ length: cols }, (_, j) => formatValue(data[c * cols + j]!).padStart(widths[j]!));
      lines.push([String(c).padStart(7), String(sizes[c]).padStart(8), ...center].join('  '));
    }
  } else {
    lines.push(`cluster sizes: ${sizes.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? value.toFixed(4) : value.toPrecision(4);
}
