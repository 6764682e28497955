/**
 * The commands that never hold all the rows: fit --stream (the exact fit, reading the input once
 * per iteration), fit --mini-batch (one pass), and the labelling pass they and predict share,
 * which writes the labels as it reads and keeps only the plot's fixed sample of rows.
 */
import * as path from 'node:path';
import { KMeans, type Matrix, type Metric, MiniBatchKMeans } from '../index';
import { type Values, integerOption, progressMode, rejectOptions, UsageError } from './command_line';
import { inputFiles, kmeansOptions, miniBatchOptions, readOptions } from './command_inputs';
import { type DataInput, openDataStream } from './data_stream';
import type { CommandModelJSON, SavedModel } from './model_file';
import { inFileTerms, inTerms } from './library_errors';
import { checkJsonOutputs, fitJson, miniBatchJson, printJson, withScaling } from './json_summary';
import { type OutputStream, Outputs } from './outputs';
import { ProgressBar } from './progress_bar';
import { StreamingSample } from './row_sample';
import { scaleOption, scaledStream, scalingLine, streamScaling } from './scaling';
import { type Columns, type RowChunk, type RowStream, chunkValue } from './row_stream';
import { maxPlottedPoints, scatterSvg } from './scatter_plot';
import { type Shape, fitSummary, miniBatchSummary, runCount } from './summary';

export async function fitStreamCommand(input: DataInput, values: Values): Promise<number> {
  const miniBatch = values['mini-batch'] === true;
  const flag = miniBatch ? '--mini-batch' : '--stream';
  if (miniBatch) rejectOptions(values, 'fit --mini-batch', ['algorithm', 'max-iter', 'tol', 'stream', 'bounds-memory']);
  else if (values['batch-size'] !== undefined) throw new UsageError('--batch-size applies to fit --mini-batch only');
  const boundsMemory = integerOption(values, 'bounds-memory');
  // Options and outputs are checked before the data is read.
  // The exact fit over passes seeds with k-means|| unless told otherwise (k-means++ would need k passes).
  const model = miniBatch
    ? new MiniBatchKMeans(miniBatchOptions(values))
    : new KMeans({ ...kmeansOptions(values), init: (values.init ?? 'k-means||') as never });
  const scaleMethod = scaleOption(values);
  const targets = [
    { flag: '--out', file: values.out },
    { flag: '--labels', file: values.labels },
    { flag: '--plot', file: values.plot },
  ];
  if (values.json) checkJsonOutputs(targets);
  const outputs = new Outputs(inputFiles(input), targets);
  const read = await openDataStream(input, readOptions(values, undefined));
  try {
    if (!read.rereadable) {
      throw new UsageError(`fit ${flag} reads the data more than once: give a file or --sql, not standard input`);
    }
    // --scale takes a first pass for the columns' statistics; every later pass reads scaled rows.
    const scaling = scaleMethod === undefined ? undefined : await streamScaling(read, scaleMethod);
    const stream = scaling === undefined ? read : scaledStream(read, scaling);
    const k = model.params.nClusters;
    const context = { name: stream.name, table: { rows: 0, cols: 0, place: () => '' }, k };
    try {
      if (model instanceof MiniBatchKMeans) await model.fitStream(matrices(stream));
      else await fitSource(model, stream, values, boundsMemory);
    } catch (error) {
      // Rows are numbered in chunks the command never sees: only the errors without one are retold.
      throw (error as { details?: { row?: number } })?.details?.row === undefined ? inFileTerms(error, context) : error;
    }

    const summary = values.json === true || (!values.quiet && !Outputs.usesStdout(targets));
    const needsPass = values.labels !== undefined || values.plot !== undefined || summary;
    const pass = needsPass
      ? await labelPass(stream, model, {
          labels: values.labels === undefined ? undefined : outputs.open(values.labels),
          plot: values.plot !== undefined,
        })
      : undefined;
    if (values.out !== undefined) {
      const names = pass?.columnNames ?? (await firstChunk(stream)).columnNames;
      const json: CommandModelJSON = {
        ...model.toJSON(),
        ...(names ? { featureNames: names } : {}),
        ...(scaling ? { scaling } : {}),
      };
      outputs.write(values.out, `${JSON.stringify(json)}\n`);
    }
    if (values.plot !== undefined) {
      const metric = metricOf(model);
      const kind = `${metric === 'cosine' ? 'spherical ' : ''}${miniBatch ? 'mini-batch k-means' : 'k-means'}`;
      const title = `${path.basename(stream.name)}: ${kind}, k = ${model.clusterCenters.rows}`;
      outputs.write(values.plot, sampledPlot(pass!, model.clusterCenters, title, metric));
    }
    if (values.json) {
      printJson(
        withScaling(
          model instanceof MiniBatchKMeans
            ? miniBatchJson(stream.name, pass!, model, pass!.sizes)
            : fitJson(stream.name, pass!, model, pass!.sizes, 'stream'),
          scaling,
        ),
      );
    } else if (summary) {
      const wrote = outputs.written.length > 0 ? `wrote ${outputs.written.join(', ')}\n` : '';
      const text =
        model instanceof MiniBatchKMeans
          ? miniBatchSummary(stream.name, pass!, model, pass!.sizes)
          : fitSummary(stream.name, pass!, model, pass!.sizes);
      process.stdout.write(text + scalingLine(scaling) + wrote);
    }
  } finally {
    read.close();
  }
  return 0;
}

async function fitSource(
  model: KMeans,
  stream: RowStream,
  values: Values,
  boundsMemory: number | undefined,
): Promise<void> {
  const mode = progressMode(values);
  // The convergence threshold needs the data's variance, which would take a pass: the bar
  // counts iterations.
  const progress = new ProgressBar(process.stderr, {
    runs: runCount(model.params),
    maxIter: model.params.maxIter,
    shiftTolerance: 0,
    mode,
  });
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await model.fitSource(
      { chunks: () => matrices(stream) },
      {
        signal: interrupt.signal,
        onProgress: (report) => progress.update(report),
        ...(boundsMemory === undefined ? {} : { boundsMemory: boundsMemory * 2 ** 20 }),
      },
    );
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }
}

async function* matrices(stream: RowStream): AsyncGenerator<Matrix | Columns> {
  for await (const chunk of stream.chunks()) yield chunk.X;
}

async function firstChunk(stream: RowStream): Promise<RowChunk> {
  for await (const chunk of stream.chunks()) return chunk;
  throw new Error('the input has no rows');
}

/** What a labelling pass saw: the input's shape, the cluster sizes, and the plot's sample. */
export interface LabelPass extends Shape {
  sizes: number[];
  /** Row-major values and labels of the sampled rows (with `plot`). */
  sample: { data: Float64Array; rows: number; labels: Int32Array } | undefined;
}

export interface LabelPassOptions {
  /** Where the labels go, as CSV with a "cluster" header. */
  labels?: OutputStream;
  /** Keep the plot's sample of rows. */
  plot: boolean;
  /** predict: the model's columns, for errors about the input's columns. */
  model?: { cols: number; featureNames: readonly string[] | undefined };
}

/** The models predict labels with: any model file the library writes. */
/** Labels every row of one pass with `model`, writing them as it goes. */
export async function labelPass(stream: RowStream, model: SavedModel, options: LabelPassOptions): Promise<LabelPass> {
  const sizes = new Array<number>(model.clusterCenters.rows).fill(0);
  const sample = options.plot ? new StreamingSample<{ values: number[]; label: number }>(maxPlottedPoints) : undefined;
  let rows = 0;
  let shape: RowChunk | undefined;
  for await (const chunk of stream.chunks()) {
    shape ??= chunk;
    const labels = inTerms(() => model.predict(chunk.X), { name: stream.name, table: chunk, model: options.model });
    await options.labels?.write(`${rows === 0 ? 'cluster\n' : ''}${labels.join('\n')}\n`);
    for (let i = 0; i < chunk.rows; i++) {
      const label = labels[i]!;
      sizes[label]!++;
      sample?.offer(rows + i, () => ({
        values: Array.from({ length: chunk.cols }, (_, j) => chunkValue(chunk, i, j)),
        label,
      }));
    }
    rows += chunk.rows;
  }
  options.labels?.close();
  const kept = sample?.rows();
  const cols = shape!.cols;
  return {
    rows,
    cols,
    columnNames: shape!.columnNames,
    sizes,
    sample: kept && {
      data: Float64Array.from(kept.flatMap(({ item }) => item.values)),
      rows: kept.length,
      labels: Int32Array.from(kept, ({ item }) => item.label),
    },
  };
}

/** The metric a saved or fitted model clusters by: its plot draws unit rows for 'cosine'. */
export function metricOf(model: SavedModel): Metric {
  return model.params.metric;
}

/** The plot of a labelling pass's sample. */
export function sampledPlot(pass: LabelPass, centers: Matrix, title: string, metric: Metric): string {
  const { data, rows, labels } = pass.sample!;
  return scatterSvg({
    data,
    rows,
    cols: pass.cols,
    labels,
    centers: centers.data,
    k: centers.rows,
    columnNames: pass.columnNames,
    title,
    metric,
    sampleOf: { rows: pass.rows, sizes: pass.sizes },
  });
}
