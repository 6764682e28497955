// fit and predict on sparse files (svmlight, SciPy .npz) end to end: the same clustering as the
// library's KMeans on the same CSR matrix, the label column options, the column count against
// the model, and one-line errors with exit code 2 for broken files and dense-only options.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpzFile } from '../../src/cli/npz';
import { readSvmlightFile, readSvmlightFileRows } from '../../src/cli/svmlight';
import { BisectingKMeans, type CsrMatrix, KMeans, MiniBatchKMeans } from '../../src/index';
import { cliWorkspace, root } from './cli_helpers';

const { out, cli, readLabels } = cliWorkspace();
const sparse = (name: string) => path.join(root, 'test', 'fixtures', 'sparse', name);
const smallSvm = sparse('small.svm');
const tfidf = sparse('tfidf_debian.npz');

function write(name: string, text: string): string {
  fs.writeFileSync(out(name), text);
  return out(name);
}

/** The labels the file's lines start with. */
function fileLabels(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/)[0]!);
}

function expectFailure(args: string[], message: string | RegExp): void {
  const run = cli(args);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')).toHaveLength(2);
  if (typeof message === 'string') expect(run.stderr).toBe(`kmeans-native: ${message}\n`);
  else expect(run.stderr).toMatch(message);
}

describe('kmeans-native fit on sparse files', () => {
  it('clusters an .npz file as KMeans clusters its CSR matrix, and saves model and labels', () => {
    const X = readNpzFile(tfidf);
    const expected = new KMeans({ nClusters: 8, seed: 0 }).fit(X);
    const run = cli(['fit', tfidf, '-k', '8', '--seed', '0', '--out', 'tfidf.json', '--labels', 'tfidf.csv']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readLabels(out('tfidf.csv'))).toEqual(Array.from(expected.labels));
    expect(run.stdout).toContain(`${tfidf}: 813 rows × 1034 columns, sparse: ${X.data.length} stored values (2%)`);
    expect(run.stdout).toContain(`k-means (lloyd): k = 8, 1 run from k-means++, seed 0: ${expected.nIter} iterations`);
    expect(run.stdout).toContain(`inertia ${expected.inertia.toPrecision(8)}`);
    expect(run.stdout).toContain('wrote tfidf.json, tfidf.csv');
    const model = KMeans.fromJSON(fs.readFileSync(out('tfidf.json'), 'utf8'));
    expect(model.clusterCenters).toEqual(expected.clusterCenters);
    expect(model.score(X)).toBe(expected.score(X));
  });

  it('clusters an svmlight file as KMeans clusters its CSR matrix, with the options passed on', async () => {
    const X = await readSvmlightFile(smallSvm);
    const options = { nClusters: 4, init: 'random' as const, nInit: 3, maxIter: 50, tol: 0, seed: 5 };
    const expected = new KMeans(options).fit(X);
    const args = ['--init', 'random', '--n-init', '3', '--max-iter', '50', '--tol', '0', '--seed', '5'];
    const run = cli(['fit', smallSvm, '-k', '4', ...args, '--algorithm', 'elkan', '--labels', 'small.csv']);
    expect(run.code).toBe(0);
    expect(readLabels(out('small.csv'))).toEqual(Array.from(expected.labels));
    expect(run.stdout).toContain(`${smallSvm}: 60 rows × 12 columns, sparse: 252 stored values (35%)`);
    expect(run.stdout).toContain(`inertia ${expected.inertia.toPrecision(8)}`);
    expect(run.stdout).toContain(`cluster sizes: `);

    // The same matrix as .npz and as a zero-based svmlight file: the same clustering.
    for (const [file, extra] of [
      [sparse('small_stored.npz'), []],
      [sparse('small_zero_based.svm'), ['--zero-based']],
      [sparse('small_qid.svm'), []],
    ] as const) {
      const again = cli(['fit', file, '-k', '4', ...args, ...extra, '--labels', 'again.csv', '-q']);
      expect(again.stderr).toBe('');
      expect(readLabels(out('again.csv'))).toEqual(Array.from(expected.labels));
    }
  });

  it('fits with --mini-batch as MiniBatchKMeans.fitStream makes one pass over the CSR matrix', async () => {
    const X = readNpzFile(tfidf);
    const expected = await new MiniBatchKMeans({ nClusters: 6, seed: 3, batchSize: 100 }).fitStream([X]);
    const run = cli(['fit', tfidf, '-k', '6', '--seed', '3', '--mini-batch', '--batch-size', '100']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const args = ['fit', tfidf, '-k', '6', '--seed', '3', '--mini-batch', '--batch-size', '100'];
    expect(cli([...args, '--out', 'mini.json', '--labels', 'mini.csv']).code).toBe(0);
    const model = MiniBatchKMeans.fromJSON(fs.readFileSync(out('mini.json'), 'utf8'));
    expect(model.clusterCenters).toEqual(expected.clusterCenters);
    expect(readLabels(out('mini.csv'))).toEqual(Array.from(expected.predict(X)));
    expect(run.stdout).toContain(`mini-batch k-means: k = 6, batches of 100 rows, seed 3: ${expected.nSteps} steps`);
  });

  it('computes in float32 with --float32, and with --metric cosine on unit rows', async () => {
    const X = await readSvmlightFile(smallSvm, { dtype: 'float32' });
    const expected = new KMeans({ nClusters: 3, seed: 2, metric: 'cosine' }).fit(X);
    const run = cli([
      'fit',
      smallSvm,
      '-k',
      '3',
      '--seed',
      '2',
      '--float32',
      '--metric',
      'cosine',
      '--out',
      'f32.json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`inertia ${expected.inertia.toPrecision(8)}`);
    const model = KMeans.fromJSON(fs.readFileSync(out('f32.json'), 'utf8'));
    expect(model.clusterCenters.data).toBeInstanceOf(Float32Array);
    expect(model.clusterCenters).toEqual(expected.clusterCenters);
  });

  it('reads --format svmlight and --format npz whatever the extension, and standard input', () => {
    const expected = cli(['fit', smallSvm, '-k', '3', '--seed', '1', '--labels', '-']).stdout;
    fs.copyFileSync(smallSvm, out('small.txt'));
    fs.copyFileSync(sparse('small_stored.npz'), out('small.bin'));
    expect(cli(['fit', 'small.txt', '--format', 'svmlight', '-k', '3', '--seed', '1', '--labels', '-']).stdout).toBe(
      expected,
    );
    expect(cli(['fit', 'small.bin', '--format', 'npz', '-k', '3', '--seed', '1', '--labels', '-']).stdout).toBe(
      expected,
    );
    const input = fs.readFileSync(smallSvm, 'utf8');
    const piped = cli(['fit', '-', '--format', 'svmlight', '-k', '3', '--seed', '1', '--labels', '-'], input);
    expect(piped.stdout).toBe(expected);
    expectFailure(['fit', '-', '--format', 'npz'], 'standard input: NPZ data must come from a file');
  });
});

describe('the label column', () => {
  it("--keep-labels writes each row's label next to its cluster; --no-label-column reads lines without one", () => {
    const run = cli(['fit', smallSvm, '-k', '3', '--seed', '1', '--labels', 'kept.csv', '--keep-labels', '-q']);
    expect(run.code).toBe(0);
    const [header, ...lines] = fs.readFileSync(out('kept.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('cluster,label');
    cli(['fit', smallSvm, '-k', '3', '--seed', '1', '--labels', 'plain.csv', '-q']);
    const clusters = readLabels(out('plain.csv'));
    expect(lines).toEqual(clusters.map((cluster, i) => `${cluster},${fileLabels(smallSvm)[i]}`));

    const unlabelled = fs
      .readFileSync(smallSvm, 'utf8')
      .split('\n')
      .map((line) => line.replace(/^\S+\s*/, ''))
      .join('\n');
    const file = write('unlabelled.svm', unlabelled);
    const bare = cli(['fit', file, '--no-label-column', '-k', '3', '--seed', '1', '--labels', 'bare.csv', '-q']);
    expect(bare.stderr).toBe('');
    expect(readLabels(out('bare.csv'))).toEqual(clusters);
    expectFailure(
      ['fit', file, '-k', '3'],
      new RegExp(`unlabelled\\.svm, line 1: it starts with "\\d+:[^"]+", not a label`),
    );
    expectFailure(
      ['fit', smallSvm, '--no-label-column', '-k', '3'],
      `${smallSvm}, line 1: it starts with "0", not index:value (is the first field a label?)`,
    );
  });

  it('keeps labels as written, quoting those that hold a comma (multi-label files)', async () => {
    const file = write('multi.svm', '1,3 1:1 2:0.5\n# a comment\n-1 qid:7 2:2\n"a" 1:0.25\n');
    const read = await readSvmlightFileRows(file, { keepLabels: true });
    expect(Array.from(read.lines)).toEqual([1, 3, 4]);
    const run = cli(['fit', file, '-k', '1', '--labels', '-', '--keep-labels']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('cluster,label\n0,"1,3"\n0,-1\n0,"""a"""\n');
  });

  it('refuses contradictions, and the svmlight options on other files', () => {
    expectFailure(
      ['fit', smallSvm, '--keep-labels', '--no-label-column', '--labels', 'x.csv'],
      '--keep-labels and --no-label-column contradict each other',
    );
    expectFailure(
      ['fit', smallSvm, '--keep-labels'],
      "--keep-labels writes the file's labels next to the clusters of --labels: give --labels FILE",
    );
    for (const flag of ['--zero-based', '--no-label-column', '--keep-labels']) {
      expectFailure(
        ['fit', tfidf, flag],
        `${flag} applies to svmlight files only, not to .npz files (which store their shape)`,
      );
      expectFailure(
        ['fit', path.join(root, 'data', 'iris.csv'), flag],
        `${flag} applies to svmlight files only (.svm, .svmlight, .libsvm or --format svmlight)`,
      );
    }
    expectFailure(
      ['fit', tfidf, '--cols', '2000'],
      /^kmeans-native: --cols applies to svmlight files only, not to \.npz/,
    );
    expectFailure(['fit', smallSvm, '--cols', '0'], '--cols must be a whole number from 1 to 2147483647 (got 0)');
    expectFailure(['fit', smallSvm, '--cols', 'x'], '--cols must be a whole number (got "x")');
  });
});

describe('kmeans-native predict on sparse files', () => {
  it('labels an .npz and an svmlight file with a saved model as KMeans.predict does', async () => {
    expect(cli(['fit', tfidf, '-k', '5', '--seed', '3', '--out', 'model5.json', '-q']).code).toBe(0);
    const model = KMeans.fromJSON(fs.readFileSync(out('model5.json'), 'utf8'));
    const X = readNpzFile(tfidf);
    const run = cli(['predict', 'model5.json', tfidf]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`cluster\n${Array.from(model.predict(X)).join('\n')}\n`);

    const small = await readSvmlightFile(smallSvm);
    expect(cli(['fit', sparse('small_stored.npz'), '-k', '3', '--seed', '4', '--out', 'model3.json', '-q']).code).toBe(
      0,
    );
    const model3 = KMeans.fromJSON(fs.readFileSync(out('model3.json'), 'utf8'));
    const labelled = cli(['predict', 'model3.json', smallSvm, '--labels', 'predicted.csv', '--keep-labels']);
    expect(labelled.code).toBe(0);
    const sizes = [0, 1, 2].map((c) => Array.from(model3.predict(small)).filter((label) => label === c).length);
    expect(labelled.stdout).toBe(
      `${smallSvm}: 60 rows × 12 columns, sparse: 252 stored values (35%)\ncluster sizes: ${sizes.join(', ')}\nwrote predicted.csv\n`,
    );
    const expected = Array.from(model3.predict(small), (c, i) => `${c},${fileLabels(smallSvm)[i]}`);
    expect(fs.readFileSync(out('predicted.csv'), 'utf8')).toBe(`cluster,label\n${expected.join('\n')}\n`);
  });

  it("reads an svmlight file with the model's column count, whatever its largest index", () => {
    const file = write('narrow.svm', '0 1:1.5 3:2\n1 2:4\n');
    const X: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.from([0, 2, 3]),
      indices: Int32Array.from([0, 2, 1]),
      data: Float64Array.from([1.5, 2, 4]),
      rows: 2,
      cols: 12,
    };
    const model3 = KMeans.fromJSON(fs.readFileSync(out('model3.json'), 'utf8'));
    const expected = `cluster\n${Array.from(model3.predict(X)).join('\n')}\n`;
    expect(cli(['predict', 'model3.json', file]).stdout).toBe(expected);
    expect(cli(['predict', 'model3.json', file, '--cols', '12']).stdout).toBe(expected);
    expectFailure(
      ['predict', 'model3.json', file, '--cols', '3'],
      '--cols 3 does not match the model, which was fitted on 12 columns',
    );
    const wide = write('wide.svm', '0 1:1\n1 13:4\n');
    expectFailure(['predict', 'model3.json', wide], `${wide}, line 2: index 13 is beyond the 12 columns of the model`);
    expectFailure(
      ['predict', 'model3.json', sparse('repeats.npz')],
      `${sparse('repeats.npz')}: it has 8 columns; the model was fitted on 12`,
    );
  });

  it('labels with MiniBatchKMeans and BisectingKMeans model files too, as the library does', () => {
    const file = write('four.svm', '0 1:1\n1 2:1\n0 1:1.2 2:0.1\n1 2:0.9 1:0.2\n');
    const rows = [
      [0, 1],
      [1, 0],
      [2, 2],
      [3, 3],
    ];
    const X: CsrMatrix = {
      format: 'csr',
      indptr: Int32Array.from([0, 1, 2, 4, 6]),
      indices: Int32Array.from([0, 1, 0, 1, 1, 0]),
      data: Float64Array.from([1, 1, 1.2, 0.1, 0.9, 0.2]),
      rows: 4,
      cols: 2,
    };
    for (const model of [
      new MiniBatchKMeans({ nClusters: 2, seed: 0 }).fit(rows),
      new BisectingKMeans({ nClusters: 2, seed: 0 }).fit(rows),
    ]) {
      fs.writeFileSync(out('other.json'), JSON.stringify(model.toJSON()));
      const expected = Array.from(model.predict(X), (label) => `${label}\n`).join('');
      expect(cli(['predict', 'other.json', file]).stdout).toBe(`cluster\n${expected}`);
    }
  });
});

describe('errors on sparse files', () => {
  const bad: [string, string, string[]][] = [
    ['1 1:2\n2 0:1\n', 'line 2: index 0 in "0:1": indices count from 1 in svmlight files', []],
    ['1 1:2\n1 2:x\n', 'line 2: "x" in "2:x" is not a number', []],
    ['1 1:2 3:4\n', 'line 1: index 3 is beyond the 2 columns given', ['--cols', '2']],
    ['1 -2:1\n', 'line 1: "-2" in "-2:1" is not an index (a whole number)', []],
    ['1 1:2\n1 2:1\n', 'it has 2 rows, fewer than the 3 clusters asked for (-k)', []],
    [
      '# header\n1 1:2\n\n1\n',
      'line 4: the row is all zeros, which has no direction for --metric cosine',
      ['--metric', 'cosine'],
    ],
  ];
  it.each(bad)('refuses %j', (content, problem, extra) => {
    const file = write('bad.svm', content);
    const run = cli(['fit', file, '-k', extra.includes('--metric') ? '1' : '3', ...extra]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`kmeans-native: ${file}${problem.startsWith('line') ? ', ' : ': '}${problem}`)).toBe(
      true,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses a broken .npz file with the member and the place', () => {
    expectFailure(
      ['fit', sparse('bad_index.npz'), '-k', '2'],
      `${sparse('bad_index.npz')}, indices.npy[5] (row 3): column index 12 is beyond the 12 columns of shape.npy (indices count from 0)`,
    );
    expectFailure(['predict', 'model3.json', out('none.svm')], `${out('none.svm')}: cannot read it: no such file`);
  });

  it('refuses the options that need dense data, naming the flag', () => {
    const cases: [string[], string][] = [
      [
        ['--columns', '1-3'],
        '--columns is not available for sparse data in fit: every column of a sparse file is a feature',
      ],
      [['--header'], '--header is not available for sparse data in fit: sparse files have no header line'],
      [['--plot', 'p.svg'], '--plot is not available for sparse data in fit'],
      [['--stream'], '--stream is not available for sparse data in fit'],
      [['--batch-size', '10'], '--batch-size applies to fit --mini-batch only'],
      [['--mini-batch', '--max-iter', '5'], '--max-iter'],
      [['--bounds-memory', '10'], '--bounds-memory is not available for sparse data in fit'],
      [['--init', 'k-means||'], '--init k-means|| is not available for sparse data: use k-means++ or random'],
    ];
    for (const [flags, message] of cases) {
      expectFailure(['fit', smallSvm, '-k', '2', ...flags], new RegExp(`^kmeans-native: ${escape(message)}`));
    }
    expectFailure(
      ['predict', 'model3.json', smallSvm, '--plot', 'p.svg'],
      /^kmeans-native: --plot is not available for sparse data in predict/,
    );
    expectFailure(['predict', 'model3.json', smallSvm, '--no-header'], /^kmeans-native: --no-header is not available/);
    expectFailure(
      ['choose-k', smallSvm, '--k', '2..4'],
      'choose-k does not read sparse data (svmlight, .npz): run fit for each k instead',
    );
    expectFailure(
      ['fit', '--sql', 'SELECT 1', '--format', 'svmlight'],
      '--format svmlight reads a data file: give the file instead of --sql',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[|\\{}()[\]^$+*?.]/g, '\\$&');
}
