// fit --json and predict --json: one JSON object on standard output whose fields are the
// library's own results for the same data and seed; and the mistakes it refuses (exit code 2).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSvmlightFile } from '../../src/cli/svmlight';
import { KMeans, type Matrix } from '../../src/index';
import { blobs } from '../helpers';
import { cliWorkspace, iris, irisFeatures, root } from './cli_helpers';

const { cli, out, writeCsv } = cliWorkspace();
const smallSvm = path.join(root, 'test', 'fixtures', 'sparse', 'small.svm');

function rowsOf({ data, rows, cols }: Matrix): number[][] {
  return Array.from({ length: rows }, (_, c) => Array.from(data.subarray(c * cols, (c + 1) * cols)));
}

function sizesOf(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]!++;
  return sizes;
}

function jsonRun(args: string[]) {
  const run = cli(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.endsWith('}\n')).toBe(true);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout);
}

describe('kmeans-native fit --json', () => {
  it('gives the shape, the options and the fit of the library for the same data and seed', () => {
    const json = jsonRun(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--json']);
    const expected = new KMeans({ nClusters: 3, seed: 0 }).fit(irisFeatures());
    expect(json.data).toEqual({
      name: iris,
      rows: 150,
      cols: 4,
      columnNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    expect(json.options).toEqual({
      method: 'k-means',
      mode: 'memory',
      k: 3,
      init: 'k-means++',
      nInit: 'auto',
      maxIter: 300,
      tol: 1e-4,
      seed: 0,
      algorithm: 'auto',
      threads: null,
      metric: 'euclidean',
      dtype: 'float64',
      scale: 'none',
    });
    expect(json.scaling).toBeUndefined();
    expect(json.algorithmUsed).toBe(expected.algorithmUsed);
    expect(json.iterations).toBe(expected.nIter);
    expect(json.converged).toBe(expected.converged);
    expect(json.inertia).toBe(expected.inertia);
    expect(json.clusterSizes).toEqual(sizesOf(expected.labels, 3));
    expect(json.clusterCenters).toEqual(rowsOf(expected.clusterCenters));
  });

  it('passes the options on, float32 included', () => {
    const X = blobs(300, 3, 4, 11);
    const csv = writeCsv('blobs.csv', X);
    const options = {
      nClusters: 4,
      algorithm: 'elkan',
      init: 'random',
      nInit: 2,
      maxIter: 40,
      tol: 0,
      seed: 9,
    } as const;
    const args = ['--algorithm', 'elkan', '--init', 'random', '--n-init', '2', '--max-iter', '40', '--tol', '0'];
    const json = jsonRun(['fit', csv, '-k', '4', ...args, '--seed', '9', '--float32', '--threads', '1', '--json']);
    const expected = new KMeans({ ...options, threads: 1 }).fit({
      data: Float32Array.from(X.flat()),
      rows: X.length,
      cols: 3,
    });
    const { nClusters: k, ...rest } = options;
    expect(json.options).toMatchObject({ ...rest, k, threads: 1, dtype: 'float32' });
    expect(json.iterations).toBe(expected.nIter);
    expect(json.inertia).toBe(expected.inertia);
    expect(json.clusterCenters).toEqual(rowsOf(expected.clusterCenters));
  });

  it('--stream gives the same fields, mode "stream"', () => {
    const json = jsonRun(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--stream', '--json']);
    const expected = new KMeans({ nClusters: 3, seed: 0, init: 'k-means||' }).fit(irisFeatures());
    expect(json.options).toMatchObject({ mode: 'stream', init: 'k-means||', k: 3 });
    expect(json.data.rows).toBe(150);
    expect(json.clusterSizes.reduce((a: number, b: number) => a + b, 0)).toBe(150);
    expect(json.inertia).toBeCloseTo(expected.inertia, 6);
  });

  it('--mini-batch gives its steps and batch size', () => {
    const json = jsonRun(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--mini-batch', '--json']);
    expect(json.options).toMatchObject({ method: 'mini-batch k-means', batchSize: 1024, k: 3 });
    expect(json.steps).toBeGreaterThan(0);
    expect(json.clusterCenters).toHaveLength(3);
  });

  it('sparse data: the stored values, and the fit of the CSR matrix', async () => {
    const X = await readSvmlightFile(smallSvm);
    const expected = new KMeans({ nClusters: 4, seed: 5 }).fit(X);
    const json = jsonRun(['fit', smallSvm, '-k', '4', '--seed', '5', '--json']);
    expect(json.data).toEqual({ name: smallSvm, rows: 60, cols: 12, stored: 252 });
    expect(json.inertia).toBe(expected.inertia);
    expect(json.clusterSizes).toEqual(sizesOf(expected.labels, 4));
    expect(json.clusterCenters).toEqual(rowsOf(expected.clusterCenters));
  });

  it('--scale gives the method among the options and the parameters the model file stores', () => {
    for (const mode of [[], ['--stream']]) {
      const args = ['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--scale', 'standard', ...mode];
      const json = jsonRun([...args, '--out', 'scaled.json', '--json']);
      expect(json.options.scale).toBe('standard');
      const saved = JSON.parse(readFileSync(out('scaled.json'), 'utf8'));
      expect(json.scaling).toEqual(saved.scaling);
      expect(json.scaling.offset).toHaveLength(4);
    }
  });

  it('still writes the files asked for, and the JSON alone on standard output', () => {
    const json = jsonRun(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--out', 'm.json', '--json']);
    expect(json.options.k).toBe(3);
  });
});

describe('kmeans-native predict --json', () => {
  it('gives the data, the model and the cluster sizes; the labels go to --labels', () => {
    expect(cli(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--out', 'iris.json']).code).toBe(0);
    const json = jsonRun(['predict', 'iris.json', iris, '--labels', 'labels.csv', '--json']);
    const expected = new KMeans({ nClusters: 3, seed: 0 }).fit(irisFeatures());
    expect(json.data).toMatchObject({ name: iris, rows: 150, cols: 4 });
    expect(json.model).toEqual({ file: 'iris.json', k: 3, cols: 4 });
    expect(json.clusterSizes).toEqual(sizesOf(expected.labels, 3));
  });
});

describe('--json mistakes', () => {
  it.each([
    ['predict without --labels', ['predict', 'iris.json', iris, '--json'], /--json and --labels - both write/],
    ['fit --labels -', ['fit', iris, '-k', '3', '--labels', '-', '--json'], /--json and --labels - both write/],
    ['fit --out -', ['fit', iris, '-k', '3', '--out', '-', '--json'], /give --out a file/],
    ['fit --gap', ['fit', iris, '-k', '3', '--gap', '--json'], /--gap does not apply to fit/],
  ])('%s: exit code 2, one line', (_name, args, message) => {
    const run = cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
