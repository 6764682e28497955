// The kmeans-native command: fit and predict end to end (through the built package's bin, as
// users run it), its exit codes and one-line errors, the progress line and interruption.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BisectingKMeans, KMeans } from '../../src/index';
import { blobs } from '../helpers';
import { bin, cliWorkspace, iris, irisFeatures, root } from './cli_helpers';

const { dir, out, cli, readLabels, writeCsv } = cliWorkspace();

describe('kmeans-native fit', () => {
  it('clusters the iris data as the library does, and saves model, labels and plot', () => {
    const run = cli([
      'fit',
      iris,
      '-k',
      '3',
      '--columns',
      '1-4',
      '--seed',
      '0',
      '--out',
      'model.json',
      '--labels',
      'labels.csv',
      '--plot',
      'iris.svg',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = new KMeans({ nClusters: 3, seed: 0 }).fit(irisFeatures());
    expect(readLabels(out('labels.csv'))).toEqual(Array.from(expected.labels));

    const model = JSON.parse(fs.readFileSync(out('model.json'), 'utf8'));
    expect(model.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(KMeans.fromJSON(model).clusterCenters).toEqual(expected.clusterCenters);

    expect(run.stdout).toContain('150 rows × 4 columns (sepal_length, sepal_width, petal_length, petal_width)');
    expect(run.stdout).toContain(`inertia ${expected.inertia.toPrecision(8)}`);
    expect(run.stdout).toMatch(/^\s+\d\s+50\s+5\.0060\s+3\.4280\s+1\.4620\s+0\.2460$/m); // the setosa cluster
    expect(run.stdout).toContain('wrote model.json, labels.csv, iris.svg');
    expect(fs.readFileSync(out('iris.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/);
  });

  it('passes its options on: the same result as the library with the same options', () => {
    const X = blobs(400, 5, 4, 7);
    const csv = writeCsv('blobs.csv', X);
    const run = cli([
      'fit',
      csv,
      '-k',
      '4',
      '--algorithm',
      'elkan',
      '--init',
      'random',
      '--n-init',
      '3',
      '--max-iter',
      '50',
      '--tol',
      '0',
      '--seed',
      '11',
      '--threads',
      '1',
      '--labels',
      'blobs-labels.csv',
      '-q',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const expected = new KMeans({
      nClusters: 4,
      algorithm: 'elkan',
      init: 'random',
      nInit: 3,
      maxIter: 50,
      tol: 0,
      seed: 11,
    }).fit(X);
    expect(readLabels(out('blobs-labels.csv'))).toEqual(Array.from(expected.labels));
  });

  it('reads standard input as CSV', () => {
    const rows = [
      [0, 0],
      [0, 1],
      [10, 10],
      [10, 11],
    ];
    const run = cli(
      ['fit', '-', '-k', '2', '--seed', '1', '--labels', 'stdin-labels.csv'],
      rows.map((row) => row.join(',')).join('\n'),
    );
    expect(run.code).toBe(0);
    const labels = readLabels(out('stdin-labels.csv'));
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).toBe(labels[3]);
    expect(labels[0]).not.toBe(labels[2]);
  });
});

describe('kmeans-native predict', () => {
  it("labels a file with a saved model, picking the model's columns by name", () => {
    expect(
      cli([
        'fit',
        iris,
        '-k',
        '3',
        '--columns',
        'petal_length,petal_width,sepal_length',
        '--seed',
        '4',
        '--out',
        'm3.json',
        '--labels',
        'fit3.csv',
        '-q',
      ]).code,
    ).toBe(0);
    const run = cli(['predict', 'm3.json', iris]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n').slice(1).map(Number)).toEqual(readLabels(out('fit3.csv')));
  });

  it("labels with a BisectingKMeans model file by walking its tree, as the library's predict", () => {
    const model = new BisectingKMeans({ nClusters: 4, seed: 2 }).fit(irisFeatures());
    fs.writeFileSync(out('bisecting.json'), JSON.stringify(model.toJSON()));
    const run = cli(['predict', 'bisecting.json', iris, '--columns', '1-4']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').slice(1).map(Number)).toEqual(Array.from(model.predict(irisFeatures())));
  });

  it('writes labels and a plot, and says what it wrote', () => {
    cli(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--out', 'model-p.json', '-q']);
    const run = cli(['predict', 'model-p.json', iris, '--labels', 'predicted.csv', '--plot', 'predicted.svg']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /150 rows × 4 columns[\s\S]*cluster sizes: [\d, ]+\nwrote predicted\.csv, predicted\.svg\n$/,
    );
    expect(readLabels(out('predicted.csv'))).toHaveLength(150);
  });

  it('refuses data with other columns than the model, and broken model files', () => {
    cli(['fit', iris, '-k', '3', '--columns', '1-4', '--seed', '0', '--out', 'model-q.json', '-q']);
    const headerless = writeCsv('two-columns.csv', [
      [1, 2],
      [3, 4],
    ]);
    const wrong = cli(['predict', 'model-q.json', headerless]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      `kmeans-native: ${headerless}: it has 2 feature columns; the model was fitted on 4 (sepal_length, sepal_width, petal_length, petal_width): choose them with --columns\n`,
    );
    const renamed = out('renamed.csv');
    fs.writeFileSync(renamed, 'a,b,c,d\n1,2,3,4\n');
    expect(cli(['predict', 'model-q.json', renamed]).stderr).toMatch(
      /renamed\.csv, line 1: no column is named "sepal_length" \(the columns are: a, b, c, d\); the model was fitted on sepal_length, sepal_width, petal_length, petal_width\n$/,
    );

    fs.writeFileSync(out('broken.json'), '{"format": "kmeans-native-model", ');
    const broken = cli(['predict', 'broken.json', iris]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^kmeans-native: broken\.json: Cannot read the model file: it is not valid JSON \(.*\)\n$/,
    );
    fs.writeFileSync(
      out('names.json'),
      JSON.stringify({ ...JSON.parse(fs.readFileSync(out('model-q.json'), 'utf8')), featureNames: ['x'] }),
    );
    expect(cli(['predict', 'names.json', iris]).stderr).toMatch(
      /names\.json: Cannot read the model file: "featureNames", when present, must hold nFeatures = 4 strings\n$/,
    );
    expect(cli(['predict', 'absent.json', iris]).stderr).toBe(
      'kmeans-native: absent.json: cannot read the model: no such file\n',
    );
  });
});

describe('usage and input errors: one line on stderr, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /^kmeans-native: no command given: fit, predict or choose-k \(see kmeans-native --help\)\n$/],
    ['unknown command', ['cluster', iris], /^kmeans-native: unknown command "cluster": fit, predict or choose-k\n$/],
    [
      'unknown option',
      ['fit', iris, '--clusters-count', '3'],
      /^kmeans-native: Unknown option '--clusters-count'.* \(see kmeans-native --help\)\n$/,
    ],
    ['k not a number', ['fit', iris, '-k', 'three'], /^kmeans-native: -k must be a whole number \(got "three"\)\n$/],
    [
      'k out of range',
      ['fit', iris, '--columns', '1-4', '-k', '0'],
      /^kmeans-native: -k\/--clusters must be an integer >= 1 \(got 0\)\n$/,
    ],
    ['k above n', ['fit', iris, '--columns', '1-4', '-k', '151'], /^kmeans-native: .*151.*\n$/],
    ['bad algorithm', ['fit', iris, '--columns', '1-4', '--algorithm', 'lloid'], /^kmeans-native: .*"lloid".*\n$/],
    [
      'bad format',
      ['fit', iris, '--format', 'xls'],
      /^kmeans-native: --format must be one of csv, tsv, ndjson, npy, parquet, svmlight, npz \(got "xls"\)\n$/,
    ],
    [
      'non-numeric column',
      ['fit', iris, '-k', '3'],
      /^kmeans-native: .*iris\.csv, line 2: column 5 \("species"\) "setosa" is not a number\n$/,
    ],
    ['two data files', ['fit', iris, iris], /^kmeans-native: fit takes one data file: .*\n$/],
    [
      'fit option given to predict',
      ['predict', 'm.json', iris, '--seed', '3'],
      /^kmeans-native: --seed does not apply to predict\n$/,
    ],
    [
      'contradiction',
      ['fit', iris, '--header', '--no-header'],
      /^kmeans-native: --header and --no-header contradict each other\n$/,
    ],
    ['missing file', ['fit', 'nowhere.csv'], /^kmeans-native: nowhere\.csv: cannot read it: no such file\n$/],
    [
      'unwritable output',
      ['fit', iris, '--columns', '1-4', '-k', '2', '--labels', 'no/such/dir/labels.csv'],
      /^kmeans-native: no\/such\/dir\/labels\.csv: cannot write it: its folder does not exist\n$/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = cli(args);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
    });
  }

  it('--help and --version', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}kmeans-native fit DATA/);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(cli(['--version']).stdout).toBe(`${pkg.version}\n`);
  });
});

describe('progress and interruption', () => {
  // A fit long enough to report many iterations: tol 0 and blobs that keep moving slowly.
  const long = writeCsv('long.csv', blobs(30_000, 8, 40, 5));
  const longFit = [
    'fit',
    long,
    '-k',
    '40',
    '--tol',
    '0',
    '--seed',
    '2',
    '--n-init',
    '30',
    '--algorithm',
    'lloyd',
    '--threads',
    '1',
  ];

  it('--progress writes progress lines on stderr while stdout keeps the summary', () => {
    const run = cli([...longFit.slice(0, -6), '--n-init', '2', '--progress']);
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines)
      expect(line).toMatch(/^\[[#-]{16}\] run [12]\/2 {2}iteration \d+ {2}inertia \d+\.\d+ {2}shift \d\.\d\de[+-]\d+$/);
    expect(run.stdout).toContain('2 runs from k-means++, seed 2');
  });

  it('Ctrl-C (SIGINT) stops a running fit: exit code 130, nothing written', async () => {
    const child = spawn(process.execPath, [bin, ...longFit, '--progress', '--labels', 'interrupted.csv'], { cwd: dir });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('iteration')) resolve();
      });
    });
    const sent = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(stderr).toMatch(/kmeans-native: interrupted\n$/);
    expect(fs.existsSync(out('interrupted.csv'))).toBe(false);
  });
});
