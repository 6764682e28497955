/**
 * choose-k: fits every k of a range on a data file (or query) and prints, per k, inertia and
 * the quality scores, then the k each criterion recommends; --plot draws the curves, --json
 * prints the table as JSON instead.
 */
import * as path from 'node:path';
import { type ChooseKCriterion, type ChooseKOptions, type ChooseKResult, chooseKAsync } from '../index';
import { UsageError, type Values, progressMode, rejectOptions } from './command_line';
import { dataInput, inputFiles, inputName, kmeansOptions } from './command_inputs';
import { matrixOf, readData } from './commands';
import { kCurvesSvg, recommendationLine } from './k_curves_plot';
import { inFileTerms } from './library_errors';
import { Outputs } from './outputs';
import { sparseInputOf } from './sparse_input';
import { describeTable } from './summary';
import type { Table } from './table';

export async function chooseKCommand(operands: string[], values: Values): Promise<number> {
  const input = dataInput(
    operands,
    values,
    'choose-k takes one data file: kmeans-native choose-k DATA --k 2..12 [options]',
  );
  rejectOptions(values, 'choose-k', ['out', 'labels', 'stream', 'mini-batch', 'batch-size', 'bounds-memory', 'scale']);
  if (sparseInputOf(input, values) !== undefined) {
    throw new UsageError('choose-k does not read sparse data (svmlight, .npz): run fit for each k instead');
  }
  const options = chooseKOptions(values);
  const targets = [{ flag: '--plot', file: values.plot }];
  if (values.json && Outputs.usesStdout(targets)) {
    throw new UsageError('--json and --plot - both write to standard output: give --plot a file');
  }
  const outputs = new Outputs(inputFiles(input), targets);
  const name = inputName(input);
  const table = await readData(input, values);
  const context = { name, table, k: options.kMax! };

  const mode = progressMode(values);
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  let result: ChooseKResult;
  try {
    result = await chooseKAsync(matrixOf(table), {
      ...options,
      signal: interrupt.signal,
      onProgress: ({ done, total, k, reference }) => {
        if (mode === 'off') return;
        const what = reference === 0 ? `k = ${k}` : `k = ${k} on reference ${reference}`;
        const text = `choose-k: fit ${done} of ${total} (${what})`;
        process.stderr.write(mode === 'terminal' ? `\r${text}\u001b[K` : `${text}\n`);
      },
    });
  } catch (error) {
    throw inFileTerms(error, context);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    if (mode === 'terminal') process.stderr.write('\r\u001b[K');
  }

  if (values.plot !== undefined) {
    outputs.write(values.plot, kCurvesSvg(result, `${path.basename(name)}: choosing k for k-means`));
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(name, table, options, result))}\n`);
  } else if (!values.quiet && !Outputs.usesStdout(targets)) {
    const wrote = outputs.written.length > 0 ? `wrote ${outputs.written.join(', ')}\n` : '';
    process.stdout.write(textSummary(name, table, options, result) + wrote);
  }
  return 0;
}

/** --k A..B (or -k A..B) and --gap, with fit's KMeans options. */
function chooseKOptions(values: Values): ChooseKOptions {
  if (values.k !== undefined && values.clusters !== undefined) throw new UsageError('give --k once');
  const range = values.k ?? values.clusters;
  if (range === undefined) throw new UsageError('choose-k needs the range of k: --k 2..12');
  const match = /^(\d+)\.\.(\d+)$/.exec(range);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < Number(match[1])) {
    throw new UsageError(`--k must be a range A..B with 1 <= A <= B, such as 2..12 (got "${range}")`);
  }
  const { nInit, algorithm, init, maxIter, tol, seed, threads, metric } = kmeansOptions({
    ...values,
    clusters: undefined,
  });
  const criteria: ChooseKCriterion[] = ['silhouette', 'calinskiHarabasz', 'daviesBouldin', 'elbow'];
  if (values.gap) criteria.push('gap');
  return {
    kMin: Number(match[1]),
    kMax: Number(match[2]),
    criteria,
    nInit,
    algorithm,
    init: init as ChooseKOptions['init'],
    maxIter,
    tol,
    seed,
    threads,
    metric,
  };
}

const columns: { title: string; value: (row: ChooseKResult['rows'][number]) => number | null }[] = [
  { title: 'inertia', value: (row) => row.inertia },
  { title: 'silhouette', value: (row) => row.silhouette },
  { title: 'Calinski-Harabasz', value: (row) => row.calinskiHarabasz },
  { title: 'Davies-Bouldin', value: (row) => row.daviesBouldin },
  { title: 'gap', value: (row) => row.gap },
  { title: 'gap s.e.', value: (row) => row.gapError },
];

function textSummary(name: string, table: Table, options: ChooseKOptions, result: ChooseKResult): string {
  const shown = columns.filter((column) => result.rows.some((row) => column.value(row) !== null));
  const sample =
    result.silhouetteRows !== null && result.silhouetteRows < table.rows
      ? ` (silhouette on a sample of ${result.silhouetteRows} rows)`
      : '';
  const lines = [
    describeTable(name, table),
    `k-means for k = ${options.kMin}..${options.kMax}, ${options.seed === undefined ? 'random seed' : `seed ${options.seed}`}${sample}:`,
    ['  k', ...shown.map((column) => column.title.padStart(Math.max(12, column.title.length)))].join('  '),
  ];
  for (const row of result.rows) {
    const cells = shown.map((column) => {
      const value = column.value(row);
      return (value === null ? '-' : Number(value.toPrecision(6)).toString()).padStart(
        Math.max(12, column.title.length),
      );
    });
    lines.push([String(row.k).padStart(3), ...cells].join('  '));
  }
  lines.push(recommendationLine(result));
  return `${lines.join('\n')}\n`;
}

function jsonSummary(name: string, table: Table, options: ChooseKOptions, result: ChooseKResult) {
  return {
    data: {
      name,
      rows: table.rows,
      cols: table.cols,
      ...(table.columnNames ? { columnNames: table.columnNames } : {}),
    },
    options,
    silhouetteRows: result.silhouetteRows,
    rows: result.rows,
    recommended: result.recommended,
  };
}
