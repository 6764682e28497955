// The sparse file readers: SciPy's .npz files (as save_npz and np.savez write them) and
// svmlight / libsvm text read into the CSR matrices that make_sparse_fixtures.py stored, and
// every broken file is a one-line error naming the file, the place and the problem.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../src/cli/data_error';
import { readNpzFile } from '../../src/cli/npz';
import { readSparseFile, sparseFormatOf } from '../../src/cli/sparse_file';
import { type SvmlightReadOptions, readSvmlightFile } from '../../src/cli/svmlight';
import { csrRowSquaredNorms } from '../../src/csr';
import { toCsrMatrix } from '../../src/csr_checks';
import type { CsrMatrix } from '../../src/index';

const fixtures = path.join(__dirname, '..', 'fixtures');
const sparse = (name: string) => path.join(fixtures, 'sparse', name);
const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'sparse_reference.json'), 'utf8'));

interface CsrJson {
  rows: number;
  cols: number;
  indptr: number[];
  indices: number[];
  data: number[];
}
const small: CsrJson = reference.datasets['random-60x12'];
const repeats: CsrJson = reference.datasets['random-repeats-40x8'];
const tfidf = reference.datasets['tfidf-debian'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-sparse-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

function plain(csr: CsrMatrix) {
  return {
    rows: csr.rows,
    cols: csr.cols,
    indptr: Array.from(csr.indptr, Number),
    indices: Array.from(csr.indices),
    data: Array.from(csr.data),
  };
}

function expectSame(csr: CsrMatrix, expected: CsrJson): void {
  expect(csr.format).toBe('csr');
  const { rows, cols, indptr, indices, data } = expected;
  expect(plain(csr)).toStrictEqual({ rows, cols, indptr, indices, data });
  expect(() => toCsrMatrix(csr, 'X')).not.toThrow();
}

async function failure(read: () => unknown): Promise<DataFileError> {
  const error = await Promise.resolve()
    .then(read)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error).toBeInstanceOf(DataFileError);
  expect((error as Error).message).not.toContain('\n');
  return error as DataFileError;
}

describe('.npz files', () => {
  it("reads scikit-learn's TF-IDF matrix as SciPy saved it (deflated, unsorted indices)", () => {
    const csr = readNpzFile(sparse('tfidf_debian.npz'));
    expect([csr.rows, csr.cols, csr.data.length]).toStrictEqual([tfidf.rows, tfidf.cols, tfidf.nnz]);
    expect(csr.data).toBeInstanceOf(Float64Array);
    expect(csr.indptr).toBeInstanceOf(Int32Array);
    const first: CsrJson = tfidf.firstRows;
    expect(plain(csr).indices.slice(0, first.indices.length)).toStrictEqual(first.indices);
    expect(plain(csr).data.slice(0, first.data.length)).toStrictEqual(first.data);
    expect(plain(csr).indptr.slice(0, first.rows + 1)).toStrictEqual(first.indptr);
    const norms = csrRowSquaredNorms(toCsrMatrix(csr, 'X'));
    tfidf.rowSquaredNorms.forEach((norm: number, i: number) => expect(norms[i]).toBeCloseTo(norm, 9));
  });

  it('reads stored (uncompressed) files, int64 row pointers and indices, float32 and integer values', () => {
    expectSame(readNpzFile(sparse('small_stored.npz')), small);
    const f32 = readNpzFile(sparse('small_int64_f32.npz'));
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(f32.indptr).toBeInstanceOf(Int32Array);
    expectSame(f32, { ...small, data: Array.from(Float32Array.from(small.data)) });
    expectSame(readNpzFile(sparse('small_int_data.npz')), { ...small, data: small.data.map((v) => Math.round(v) + 0) });
    expectSame(readNpzFile(sparse('repeats.npz')), repeats);
  });

  it('converts to the dtype asked for', () => {
    const f32 = readNpzFile(sparse('small_stored.npz'), { dtype: 'float32' });
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.data)).toStrictEqual(Array.from(Float32Array.from(small.data)));
    const f64 = readNpzFile(sparse('small_int64_f32.npz'), { dtype: 'float64' });
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.data)).toStrictEqual(Array.from(Float32Array.from(small.data)));
  });

  it('refuses other layouts and broken files with the file and the place', async () => {
    const cases: [string, string][] = [
      ['small_csc.npz', 'format.npy: the matrix is stored as CSC, and only CSR is read: save X.tocsr() instead'],
      [
        'bad_index.npz',
        'indices.npy[5] (row 3): column index 12 is beyond the 12 columns of shape.npy (indices count from 0)',
      ],
      ['nan_value.npz', `data.npy[3] (row 2, column ${small.indices[3]! + 1}): NaN is not a finite number`],
      ['short_indptr.npz', 'indptr.npy: expected rows + 1 = 61 row pointers (shape.npy says 60 rows), got 60'],
      ['missing_data.npz', 'not a SciPy sparse matrix file (scipy.sparse.save_npz): it has no data.npy'],
    ];
    for (const [name, problem] of cases) {
      const error = await failure(() => readNpzFile(sparse(name)));
      expect(error.message).toBe(`${sparse(name)}${problem.startsWith('not') ? ': ' : ', '}${problem}`);
    }
  });

  it('refuses files that are not zip archives, truncated or damaged ones, and missing files', async () => {
    const bytes = fs.readFileSync(sparse('tfidf_debian.npz'));
    const notZip = await failure(() => readNpzFile(path.join(fixtures, 'cli', 'f8.npy')));
    expect(notZip.message).toMatch(/f8\.npy: not a zip archive \(an \.npz file is a zip of \.npy files\)$/);
    const truncated = file('truncated.npz', bytes.subarray(0, bytes.length >> 1));
    expect((await failure(() => readNpzFile(truncated))).problem).toMatch(/^not a zip archive/);
    // A byte in the middle of the deflated indices.npy, the first member.
    const damaged = Buffer.from(bytes);
    damaged[10_000] = damaged[10_000]! ^ 0xff;
    const error = await failure(() => readNpzFile(file('damaged.npz', damaged)));
    expect(error.where).toBe('indices.npy');
    expect(error.problem).toMatch(/damaged/);
    expect((await failure(() => readNpzFile(path.join(dir, 'none.npz')))).message).toBe(
      `${path.join(dir, 'none.npz')}: cannot read it: no such file`,
    );
  });
});

describe('svmlight files', () => {
  it("reads scikit-learn's dump_svmlight_file output: one-based, zero-based, with qid and comments", async () => {
    expectSame(await readSvmlightFile(sparse('small.svm')), small);
    expectSame(await readSvmlightFile(sparse('small_qid.svm')), small);
    expectSame(await readSvmlightFile(sparse('small_zero_based.svm'), { zeroBased: true }), small);
    const f32 = await readSvmlightFile(sparse('small.svm'), { dtype: 'float32' });
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.data)).toStrictEqual(Array.from(Float32Array.from(small.data)));
  });

  it('keeps unsorted and repeated indices as written; empty lines are rows of zeros', async () => {
    const text = [
      '# a comment line',
      '1 3:1.5 1:2 3:-0.5   # row 0',
      '',
      '-1 qid:4',
      '2.5\t2:7e-1  5:.25',
      '  0 qid:1 1:1\r',
    ].join('\n');
    const csr = await readSvmlightFile(file('hand.svm', text));
    expect(plain(csr)).toStrictEqual({
      rows: 4,
      cols: 5,
      indptr: [0, 3, 3, 5, 6],
      indices: [2, 0, 2, 1, 4, 0],
      data: [1.5, 2, -0.5, 0.7, 0.25, 1],
    });
    expect(Array.from(csrRowSquaredNorms(toCsrMatrix(csr, 'X')))).toStrictEqual([5, 0, 0.7 * 0.7 + 0.25 * 0.25, 1]);
    const wide = await readSvmlightFile(file('hand.svm', text), { cols: 9 });
    expect(wide.cols).toBe(9);
  });

  const bad: [string, string, SvmlightReadOptions?][] = [
    [
      '1 1:2\n2 0:1\n',
      'line 2: index 0 in "0:1": indices count from 1 in svmlight files (read the file as zero-based if it counts from 0)',
    ],
    ['1 1:2 3:abc\n', 'line 1: "abc" in "3:abc" is not a number'],
    ['1 1:2 7\n', 'line 1: "7" is not index:value'],
    ['1 -1:2\n', 'line 1: "-1" in "-1:2" is not an index (a whole number)'],
    ['1:2 3:4\n', 'line 1: it starts with "1:2", not a label: svmlight lines read "label index:value ..."'],
    ['1 1:nan\n', 'line 1: "nan" in "1:nan" is not a number'],
    ['1 1:1e999\n', 'line 1: the value of index 1, 1e999, is not a finite number'],
    ['1 1:1e39\n', 'line 1: the value of index 1, 1e39, is beyond the float32 range (--float32)', { dtype: 'float32' }],
    ['1 1:1 4:2\n', 'line 1: index 4 is beyond the 3 columns given', { cols: 3 }],
    ['1 1:1 3:2\n', 'line 1: index 3 is beyond the 3 columns given', { cols: 3, zeroBased: true }],
    ['# nothing\n\n', 'it holds no data rows'],
    ['1\n2 qid:3\n', 'it holds no values (every row is empty)'],
  ];
  it.each(bad)('refuses %j', async (content, problem, options) => {
    const name = file('bad.svm', content);
    const error = await failure(() => readSvmlightFile(name, options));
    expect(error.message).toBe(`${name}${problem.startsWith('line') ? ', ' : ': '}${problem}`);
  });

  it('refuses a bad column count and a missing file', async () => {
    const name = file('ok.svm', '1 1:1\n');
    expect((await failure(() => readSvmlightFile(name, { cols: 0 }))).problem).toBe(
      'the column count must be a whole number from 1 to 2^31 - 1 (got 0)',
    );
    expect((await failure(() => readSvmlightFile(path.join(dir, 'none.svm')))).problem).toBe(
      'cannot read it: no such file',
    );
  });
});

describe('readSparseFile', () => {
  it('chooses the reader by extension', async () => {
    expect(['a.npz', 'b.SVM', 'c.libsvm', 'd.svmlight', 'e.csv'].map(sparseFormatOf)).toStrictEqual([
      'npz',
      'svmlight',
      'svmlight',
      'svmlight',
      undefined,
    ]);
    expectSame(await readSparseFile(sparse('small_stored.npz')), small);
    expectSame(await readSparseFile(sparse('small.svm')), small);
    const libsvm = file('small.libsvm', fs.readFileSync(sparse('small.svm')));
    expectSame(await readSparseFile(libsvm), small);
    expect((await failure(() => readSparseFile(path.join(fixtures, '..', '..', 'data', 'iris.csv')))).problem).toBe(
      'not a sparse data file: expected .npz, .svm, .svmlight or .libsvm',
    );
  });
});
