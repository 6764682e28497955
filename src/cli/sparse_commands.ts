/**
 * fit and predict on a sparse data file (svmlight or .npz): the file is read whole as CSR and
 * handed to KMeans (MiniBatchKMeans with --mini-batch) as it is stored, never laid out densely. The model file, the labels CSV and
 * the summary are those of dense data.
 */
import { KMeans, MiniBatchKMeans } from '../index';
import { UsageError, type Values, rejectOptions } from './command_line';
import { kmeansOptions, miniBatchOptions } from './command_inputs';
import { DataFileError } from './data_error';
import { runFit } from './fit_run';
import { inFileTerms } from './library_errors';
import { checkJsonOutputs, fitJson, miniBatchJson, predictJson, printJson } from './json_summary';
import { readModel } from './model_file';
import { Outputs } from './outputs';
import { scaleOption } from './scaling';
import {
  type SparseData,
  type SparseInput,
  readSparseInput,
  rejectDenseOnlyOptions,
  sparseLabelsCsv,
} from './sparse_input';
import { clusterSizes, describeTable, fitSummary, miniBatchSummary } from './summary';

export async function sparseFitCommand(input: SparseInput, values: Values): Promise<number> {
  rejectDenseOnlyOptions(values, 'fit');
  if (scaleOption(values) !== undefined) {
    throw new UsageError(
      `--scale ${values.scale} is not available for sparse data: centering would fill in every zero, laying the rows out densely`,
    );
  }
  const miniBatch = values['mini-batch'] === true;
  if (miniBatch) rejectOptions(values, 'fit --mini-batch', ['algorithm', 'max-iter', 'tol']);
  else if (values['batch-size'] !== undefined) throw new UsageError('--batch-size applies to fit --mini-batch only');
  if (values['keep-labels'] && values.labels === undefined) {
    throw new UsageError("--keep-labels writes the file's labels next to the clusters of --labels: give --labels FILE");
  }
  // Options and outputs are checked before the data is read.
  const model = miniBatch ? new MiniBatchKMeans(miniBatchOptions(values)) : new KMeans(kmeansOptions(values));
  const targets = [
    { flag: '--out', file: values.out },
    { flag: '--labels', file: values.labels },
  ];
  if (values.json) checkJsonOutputs(targets);
  const outputs = new Outputs([input.file], targets);
  const data = await readSparseInput(input);
  const table = tableOf(data);
  const context = { name: input.name, table, k: model.params.nClusters };
  if (model instanceof MiniBatchKMeans) {
    // One pass of mini-batches over the rows, as fit --mini-batch makes over a dense file.
    try {
      await model.fitStream([data.X]);
    } catch (error) {
      throw inFileTerms(error, context);
    }
  } else {
    await runFit(model, data.X, values, context);
  }

  // A pass of mini-batches keeps no labels: they are the final centers' (a pass of predict).
  const labels = model instanceof MiniBatchKMeans ? model.predict(data.X) : model.labels;
  if (values.out !== undefined) outputs.write(values.out, `${JSON.stringify(model.toJSON())}\n`);
  if (values.labels !== undefined) outputs.write(values.labels, sparseLabelsCsv(labels, data.labels));
  if (values.json) {
    const sizes = clusterSizes(labels, model.clusterCenters.rows);
    printJson(
      model instanceof MiniBatchKMeans
        ? miniBatchJson(input.name, table, model, sizes)
        : fitJson(input.name, table, model, sizes, 'memory'),
    );
  } else if (!values.quiet && !Outputs.usesStdout(targets)) {
    const wrote = outputs.written.length > 0 ? `wrote ${outputs.written.join(', ')}\n` : '';
    const summary =
      model instanceof MiniBatchKMeans
        ? miniBatchSummary(input.name, table, model, clusterSizes(labels, model.clusterCenters.rows))
        : fitSummary(input.name, table, model);
    process.stdout.write(summary + wrote);
  }
  return 0;
}

export async function sparsePredictCommand(modelFile: string, input: SparseInput, values: Values): Promise<number> {
  rejectDenseOnlyOptions(values, 'predict');
  const labelsTo = values.labels ?? '-';
  const targets = [{ flag: '--labels', file: labelsTo }];
  if (values.json) checkJsonOutputs(targets);
  const outputs = new Outputs([modelFile, input.file], targets);
  const { model, scaling } = readModel(modelFile);
  if (scaling !== undefined) {
    throw new DataFileError(
      modelFile,
      undefined,
      `the model scales its features (${scaling.method}), which sparse data cannot take without being laid out densely`,
    );
  }
  const cols = model.clusterCenters.cols;
  const data = await readSparseInput(withModelColumns(input, cols));
  if (data.X.cols !== cols) {
    throw new DataFileError(input.name, undefined, `it has ${data.X.cols} columns; the model was fitted on ${cols}`);
  }
  const table = tableOf(data);
  let labels: Int32Array;
  try {
    // Every kind of model labels CSR rows; MiniBatchKMeans has no asynchronous predict.
    labels = model instanceof MiniBatchKMeans ? model.predict(data.X) : await model.predictAsync(data.X);
  } catch (error) {
    throw inFileTerms(error, { name: input.name, table, model: { cols, featureNames: undefined } });
  }

  outputs.write(labelsTo, sparseLabelsCsv(labels, data.labels));
  if (values.json) {
    printJson(
      predictJson(input.name, table, modelFile, model.clusterCenters, clusterSizes(labels, model.clusterCenters.rows)),
    );
  } else if (!values.quiet && !Outputs.usesStdout(targets)) {
    const sizes = clusterSizes(labels, model.clusterCenters.rows);
    process.stdout.write(
      `${describeTable(input.name, table)}\ncluster sizes: ${sizes.join(', ')}\nwrote ${outputs.written.join(', ')}\n`,
    );
  }
  return 0;
}

/**
 * An svmlight file has as many columns as the model (an index beyond them is an error naming
 * the line); --cols, if given, must say the same.
 */
function withModelColumns(input: SparseInput, cols: number): SparseInput {
  if (input.format !== 'svmlight') return input;
  const given = input.options.cols;
  if (given !== undefined && given !== cols) {
    throw new UsageError(`--cols ${given} does not match the model, which was fitted on ${cols} columns`);
  }
  return { ...input, options: { ...input.options, cols, colsOrigin: given === undefined ? 'of the model' : 'given' } };
}

function tableOf({ X, place }: SparseData) {
  return { rows: X.rows, cols: X.cols, columnNames: undefined, stored: X.data.length, place };
}
