// fit --scale: the features scaled before the fit (standard, minmax), the scaling kept in the
// model file and applied by predict; dense, --stream and --mini-batch; refusals with exit code 2.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KMeans, MiniBatchKMeans } from '../../src/index';
import { blobs } from '../helpers';
import { cliWorkspace } from './cli_helpers';

const { out, cli, readLabels, writeCsv } = cliWorkspace();

/** Columns on very different scales, so that scaling changes the clustering. */
const factors = [1, 100, 0.01];
const X = blobs(300, 3, 4, 11).map((row) => row.map((value, j) => value * factors[j]!));
const data = writeCsv('data.csv', X);

function standardScaled(rows: number[][]) {
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((sum, row) => sum + row[j]!, 0) / n);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((sum, row) => sum + (row[j]! - m) ** 2, 0) / n));
  return { mean, std, apply: (some: number[][]) => some.map((row) => row.map((v, j) => (v - mean[j]!) / std[j]!)) };
}

function readModelFile(name: string) {
  return JSON.parse(fs.readFileSync(out(name), 'utf8'));
}

describe('fit --scale', () => {
  it('standard: the library KMeans on the standardized rows, the scaling in the model file, applied by predict', () => {
    const run = cli(['fit', data, '-k', '4', '--seed', '3', '--scale', 'standard', '--out', 'std.json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('features scaled (standard) before the fit');
    const { mean, std, apply } = standardScaled(X);
    const expected = new KMeans({ nClusters: 4, seed: 3 }).fit(apply(X));

    const file = readModelFile('std.json');
    expect(file.scaling.method).toBe('standard');
    file.scaling.offset.forEach((value: number, j: number) => expect(value).toBeCloseTo(mean[j]!, 12));
    file.scaling.scale.forEach((value: number, j: number) => expect(value / std[j]!).toBeCloseTo(1, 12));
    // The library reads the file, warning that it does not apply "scaling": its centers are the expected ones.
    const loaded = KMeans.fromJSON(file);
    expect(loaded.warnings.map((warning) => warning.code)).toEqual(['KMEANS_SCALED_MODEL_FILE']);
    const centers = loaded.clusterCenters.data;
    Array.from(expected.clusterCenters.data).forEach((value, i) => expect(centers[i]).toBeCloseTo(value, 9));

    const predicted = cli(['predict', 'std.json', data, '--labels', 'labels.csv']);
    expect(predicted.code).toBe(0);
    // predict applies the scaling itself: no warning about it.
    expect(predicted.stderr).toBe('');
    expect(readLabels(out('labels.csv'))).toEqual(Array.from(expected.labels));

    // Rows on another scale are scaled with the stored parameters, not their own.
    const other = X.slice(0, 40).map((row) => row.map((value, j) => value * 3 + j));
    const [, ...lines] = cli(['predict', 'std.json', writeCsv('other.csv', other)])
      .stdout.trim()
      .split('\n');
    expect(lines.map(Number)).toEqual(Array.from(expected.predict(apply(other))));
  });

  it('minmax: onto [0, 1] per column, a constant column to 0', () => {
    const rows = X.map((row) => [...row, 7.25]);
    const csv = writeCsv('constant.csv', rows);
    const run = cli([
      'fit',
      csv,
      '-k',
      '4',
      '--seed',
      '5',
      '--scale',
      'minmax',
      '--out',
      'mm.json',
      '--labels',
      'mm.csv',
    ]);
    expect(run.code).toBe(0);
    const min = rows[0]!.map((_, j) => Math.min(...rows.map((row) => row[j]!)));
    const max = rows[0]!.map((_, j) => Math.max(...rows.map((row) => row[j]!)));
    const range = max.map((value, j) => (value === min[j] ? 1 : value - min[j]!));
    const scaled = rows.map((row) => row.map((value, j) => (value - min[j]!) / range[j]!));
    expect(scaled.every((row) => row[3] === 0)).toBe(true);
    const expected = new KMeans({ nClusters: 4, seed: 5 }).fit(scaled);
    expect(readLabels(out('mm.csv'))).toEqual(Array.from(expected.labels));
    expect(readModelFile('mm.json').scaling).toEqual({ method: 'minmax', offset: min, scale: range });
  });

  it('standard on a constant column: centred only (scale 1)', () => {
    const csv = writeCsv(
      'flat.csv',
      X.map((row) => [row[0]!, 0.1]),
    );
    expect(cli(['fit', csv, '-k', '2', '--seed', '0', '--scale', 'standard', '--out', 'flat.json']).code).toBe(0);
    expect(readModelFile('flat.json').scaling.scale[1]).toBe(1);
  });

  it('--scale none is the unscaled fit, and its model file has no scaling', () => {
    expect(cli(['fit', data, '-k', '4', '--seed', '3', '--scale', 'none', '--out', 'none.json']).code).toBe(0);
    const file = readModelFile('none.json');
    expect(file.scaling).toBeUndefined();
    expect(KMeans.fromJSON(file).clusterCenters).toEqual(new KMeans({ nClusters: 4, seed: 3 }).fit(X).clusterCenters);
  });

  it('--stream takes a first pass for the statistics: the same scaling and clustering as in memory', () => {
    const args = ['-k', '4', '--seed', '3', '--init', 'k-means||', '--scale', 'standard'];
    expect(cli(['fit', data, ...args, '--out', 'dense.json', '--labels', 'dense.csv']).code).toBe(0);
    const run = cli(['fit', data, ...args, '--stream', '--out', 'stream.json', '--labels', 'stream.csv']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [dense, stream] = [readModelFile('dense.json'), readModelFile('stream.json')];
    expect(stream.scaling.offset).toEqual(dense.scaling.offset);
    expect(stream.scaling.scale).toEqual(dense.scaling.scale);
    expect(readLabels(out('stream.csv'))).toEqual(readLabels(out('dense.csv')));
  });

  it('--mini-batch fits the scaled rows and keeps the scaling for predict', () => {
    const run = cli(['fit', data, '-k', '4', '--seed', '1', '--mini-batch', '--scale', 'minmax', '--out', 'mb.json']);
    expect(run.code).toBe(0);
    const file = readModelFile('mb.json');
    expect(file.scaling.method).toBe('minmax');
    const predicted = cli(['predict', 'mb.json', data, '--labels', 'mb.csv']);
    expect(predicted.code).toBe(0);
    const min = [0, 1, 2].map((j) => Math.min(...X.map((row) => row[j]!)));
    const max = [0, 1, 2].map((j) => Math.max(...X.map((row) => row[j]!)));
    const scaled = X.map((row) => row.map((value, j) => (value - min[j]!) / (max[j]! - min[j]!)));
    expect(readLabels(out('mb.csv'))).toEqual(Array.from(MiniBatchKMeans.fromJSON(file).predict(scaled)));
  });
});

describe('fit --scale: refusals (exit code 2, one line)', () => {
  const svm = (() => {
    fs.writeFileSync(out('rows.svm'), '1 1:0.5 3:2\n0 2:1\n1 1:1.5 2:0.25\n');
    return out('rows.svm');
  })();

  it.each([
    [['fit', 'data.csv', '--scale', 'robust'], '--scale must be standard, minmax or none (got "robust")'],
    [['predict', 'std.json', 'data.csv', '--scale', 'standard'], '--scale does not apply to predict'],
    [['choose-k', 'data.csv', '--k', '2..3', '--scale', 'standard'], '--scale does not apply to choose-k'],
  ])('%j', (args, message) => {
    const run = cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kmeans-native: ${message}\n`);
  });

  it('sparse data: fit --scale refuses (centering would densify); predict refuses a scaled model', () => {
    const fit = cli(['fit', svm, '-k', '2', '--scale', 'standard']);
    expect(fit.code).toBe(2);
    expect(fit.stderr).toMatch(/^kmeans-native: --scale standard is not available for sparse data: centering/);
    expect(cli(['fit', svm, '-k', '2', '--seed', '0', '--scale', 'none', '-q']).code).toBe(0);

    const rows = [
      [0.5, 0, 2],
      [0, 1, 0],
      [1.5, 0.25, 0],
    ];
    expect(cli(['fit', writeCsv('three.csv', rows), '-k', '2', '--scale', 'minmax', '--out', 'three.json']).code).toBe(
      0,
    );
    const predict = cli(['predict', 'three.json', svm]);
    expect(predict.code).toBe(2);
    expect(predict.stderr).toBe(
      'kmeans-native: three.json: the model scales its features (minmax), which sparse data cannot take without being laid out densely\n',
    );
  });

  it.each([
    [{ method: 'log', offset: [0, 0, 0], scale: [1, 1, 1] }, 'must have "method" "standard" or "minmax"'],
    [{ method: 'standard', offset: [0, 0], scale: [1, 1, 1] }, '"offset" must hold nFeatures = 3 finite numbers'],
    [
      { method: 'standard', offset: [0, 0, 0], scale: [1, 0, 1] },
      '"scale" must hold nFeatures = 3 finite numbers other than 0',
    ],
    [[1], 'must be an object'],
  ])('a model file whose scaling is %j', (scaling, problem) => {
    const file = readModelFile('std.json');
    fs.writeFileSync(out('bad.json'), JSON.stringify({ ...file, scaling }));
    const run = cli(['predict', 'bad.json', data]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kmeans-native: bad.json: Cannot read the model file: "scaling" ${problem}\n`);
  });
});
