// Model files, fuzzed (fast-check): about 15,000 generated files, most of them the toJSON output of
// fitted models with keys deleted, added or replaced, their shapes changed, or their JSON text cut
// and altered, go to KMeans.fromJSON and MiniBatchKMeans.fromJSON, as objects and as text. Each
// must be refused with ERR_KMEANS_INVALID_MODEL and a one-line message that says why, or give the
// model the file describes: its toJSON is the file (defaults filled in) and reads back to itself,
// its predict, transform and score agree with distances computed here from its centers, and a
// MiniBatchKMeans goes on with partialFit. Inputs are never modified, and no call takes long.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KMeans, KMeansError, type Matrix, MiniBatchKMeans, type ModelJSON } from '../../src/index';
import { magnitudeLimit } from '../../src/matrix';
import { miniBatchDefaults } from '../../src/minibatch_options';
import { modelFormat, modelVersion } from '../../src/model_file';
import { kmeansDefaults } from '../../src/options';
import { type Outcome, awkwardNumber, expectUnchanged, fuzzParameters, outcome, snapshot } from './helpers';
import { blobs, matrix } from '../helpers';

type Model = KMeans | MiniBatchKMeans;
type ClassName = 'KMeans' | 'MiniBatchKMeans';
type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

const classes = { KMeans, MiniBatchKMeans } as const;
const classNames: readonly ClassName[] = ['KMeans', 'MiniBatchKMeans'];

interface Base {
  name: string;
  model: Model;
  /** The model's toJSON, with featureNames as the command line adds them. */
  json: Json;
}

// ---------------------------------------------------------------------------------------------
// The fitted models whose files are mutated.

function data(n: number, d: number, seed: number, dtype: 'float64' | 'float32' = 'float64'): Matrix {
  return matrix(blobs(n, d, 3, seed), dtype);
}

function rowsOf(X: Matrix, count: number): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)));
}

function base(name: string, model: Model, withNames = false): Base {
  const d = model.clusterCenters.cols;
  const names = Array.from({ length: d }, (_, j) => `feature ${j}`);
  return { name, model, json: { ...model.toJSON(), ...(withNames ? { featureNames: names } : {}) } };
}

const X7 = data(40, 7, 8);
const X3 = data(50, 3, 9);
const X4f = data(60, 3, 10, 'float32');
// Mostly one thread: the queries are small, and a file's threads option is kept by the model it gives.
const bases: Base[] = [
  base('KMeans k=3 d=2', new KMeans({ nClusters: 3, seed: 1, threads: 1 }).fit(data(60, 2, 1))),
  base('KMeans k=1 d=1 float32', new KMeans({ nClusters: 1, seed: 2, threads: 1 }).fit(data(20, 1, 2, 'float32'))),
  base(
    'KMeans k=5 d=4 cosine elkan',
    new KMeans({ nClusters: 5, seed: 3, metric: 'cosine', algorithm: 'elkan', threads: 1 }).fit(data(80, 4, 3)),
  ),
  base(
    'KMeans k=4 d=3 float32 cosine, explicit init, no seed',
    new KMeans({ init: rowsOf(X4f, 4), metric: 'cosine' }).fit(X4f),
  ),
  base(
    'KMeans k=2 d=7 explicit init hamerly',
    new KMeans({ init: rowsOf(X7, 2), algorithm: 'hamerly', tol: 0, maxIter: 5, threads: 1 }).fit(X7),
    true,
  ),
  base(
    'KMeans k=9 d=3 float32 random',
    new KMeans({ nClusters: 9, init: 'random', nInit: 2, seed: 4, mixedPrecision: false, threads: 2 }).fit(
      data(90, 3, 4, 'float32'),
    ),
  ),
  base(
    'MiniBatchKMeans k=3 d=2',
    new MiniBatchKMeans({ nClusters: 3, seed: 5, batchSize: 16, threads: 1 }).fit(data(60, 2, 5)),
  ),
  base(
    'MiniBatchKMeans k=4 d=5 float32 cosine',
    new MiniBatchKMeans({
      nClusters: 4,
      seed: 6,
      batchSize: 32,
      metric: 'cosine',
      maxNoImprovement: null,
      initSize: 40,
      threads: 1,
    }).fit(data(80, 5, 6, 'float32')),
    true,
  ),
  base(
    'MiniBatchKMeans k=2 d=3 explicit init, partialFit without labels',
    new MiniBatchKMeans({ init: rowsOf(X3, 2), computeLabels: false, reassignmentRatio: 0, threads: 1 }).partialFit(X3),
  ),
  base(
    'MiniBatchKMeans k=6 d=1 float32 partialFit',
    new MiniBatchKMeans({ nClusters: 6, seed: 7 }).partialFit(data(30, 1, 7, 'float32')),
  ),
];

// Files with an explicit init and nInit > 1 warn as the constructor does; keep the output quiet.
beforeAll(() => {
  vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// What every call must do.

/**
 * Gives `input` to both classes' fromJSON; each refuses it as a model file or reads the model it
 * describes (checked in full unless `check` is false).
 */
function tryFile(input: unknown, from?: Base, check = true): Outcome<Model>[] {
  return classNames.map((name) => {
    const before = snapshot(input);
    const start = performance.now();
    const result = outcome<Model>(() => classes[name].fromJSON(input));
    ensure(performance.now() - start < 1000, `fromJSON took ${performance.now() - start} ms`);
    if (!isDeepStrictEqual(snapshot(input), before)) expectUnchanged([input], [before]);
    if (!result.ok) checkRefusal(result.error);
    else if (check) checkAccepted(result.value, input, name, from);
    return result;
  });
}

function checkRefusal(error: unknown): void {
  const { code, message } = error as KMeansError;
  ensure(error instanceof KMeansError && code === 'ERR_KMEANS_INVALID_MODEL', `refused with ${code}: ${message}`);
  ensure(/^Cannot read the model file: \S/.test(message), `refused with the message ${JSON.stringify(message)}`);
}

/** toEqual, by the quicker isDeepStrictEqual first. */
function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, what).toEqual(expected);
}

/** The JSON text of the models whose queries were checked. */
const queried = new Set<string>();

/** The model read from `input` is the one the file describes, and works. */
function checkAccepted(model: Model, input: unknown, name: ClassName, from: Base | undefined): void {
  const file = (typeof input === 'string' ? JSON.parse(input) : input) as Json;
  ensure(model instanceof classes[name], `fromJSON of ${name} made another class`);
  const json = model.toJSON();
  expectEqual(json, describedModel(file, name), 'the model is the one the file describes');
  // What it writes reads back to the same model, as an object and as JSON text.
  expectEqual(classes[name].fromJSON(json).toJSON(), json, 'toJSON read back');
  const text = JSON.stringify(json);
  expectEqual(
    classes[name].fromJSON(text).toJSON(),
    describedModel(JSON.parse(text), name),
    'JSON text of toJSON read back',
  );
  if (typeof input === 'object') checkNoAliasing(input, name);
  // Models already queried (most accepted mutations leave the model as it was) are not queried again.
  if (queried.has(text)) return;
  queried.add(text);
  checkQueries(model);
  const original = from?.model.toJSON();
  if (original && original.model === name && sameModel(json, original)) checkSameAnswers(model, from!.model);
  if (model instanceof MiniBatchKMeans) checkPartialFit(json);
}

/** The toJSON of the model that `file` describes: its options with defaults filled in. */
function describedModel(file: Json, name: ClassName): ModelJSON {
  const defaults: Json = name === 'KMeans' ? { ...kmeansDefaults } : { ...miniBatchDefaults };
  const params: Json = { ...defaults };
  for (const [key, value] of Object.entries(file.params as Json)) {
    // JSON has no undefined: an option left unset is written as null.
    if (value === undefined || (value === null && key !== 'initSize' && key !== 'maxNoImprovement')) continue;
    const init = value as { rows: number; cols: number; data: number[] };
    params[key] =
      key === 'init' && typeof value === 'object' ? { rows: init.rows, cols: init.cols, data: [...init.data] } : value;
  }
  params.nClusters = file.nClusters;
  const f32 = file.dtype === 'float32';
  const extra = (file.extra ?? {}) as Json;
  const given = (key: string, otherwise: unknown) => (extra[key] === undefined ? otherwise : extra[key]);
  // The per-cluster totals of the fit, kept as written when present.
  const totals = Object.fromEntries(
    ['clusterSizes', 'clusterInertia'].filter((key) => extra[key] !== undefined).map((key) => [key, extra[key]]),
  );
  return {
    format: modelFormat,
    version: modelVersion,
    model: name,
    params,
    dtype: file.dtype as ModelJSON['dtype'],
    nClusters: file.nClusters as number,
    nFeatures: file.nFeatures as number,
    clusterCenters: (file.clusterCenters as number[]).map((value) => (f32 ? Math.fround(value) : value)),
    inertia: file.inertia === null ? NaN : (file.inertia as number),
    nIter: file.nIter as number,
    extra:
      name === 'KMeans'
        ? { algorithmUsed: given('algorithmUsed', 'lloyd'), converged: given('converged', false), ...totals }
        : { nSteps: given('nSteps', 0), counts: extra.counts ?? null, ...totals },
  };
}

function sameModel(a: ModelJSON, b: ModelJSON): boolean {
  return (
    a.dtype === b.dtype &&
    isDeepStrictEqual(a.clusterCenters, b.clusterCenters) &&
    isDeepStrictEqual(a.params, b.params)
  );
}

/** A check in a hot loop: expect() only when it fails. */
function ensure(condition: boolean, message: string): void {
  if (!condition) expect.fail(message);
}

function expectOk<T>(result: Outcome<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed on an accepted model: ${result.error.message}`);
  return result.value;
}

/**
 * Rows to query a model with: a few around the origin, the centers themselves and the midpoints
 * of consecutive centers (ties), in the model's dtype and within the magnitude that X may have.
 */
function queriesFor(model: Model): Matrix {
  const { data: c, rows: k, cols: d } = model.clusterCenters;
  const dtype = c instanceof Float32Array ? 'float32' : 'float64';
  const cosine = model.params.metric === 'cosine';
  const near = blobs(6, d, 2, 11 * d + k, 10, 3);
  const row = (j: number) => Array.from(c.subarray(j * d, (j + 1) * d));
  const more = Array.from({ length: k }, (_, j) => row(j));
  if (!cosine) for (let j = 0; j + 1 < k; j++) more.push(row(j).map((value, t) => (value + c[(j + 1) * d + t]!) / 2));
  const rounded = (value: number) => (dtype === 'float32' ? Math.fround(value) : value);
  const rows = [...near, ...more.filter((r) => !cosine || r.some((value) => rounded(value) !== 0))];
  const X = matrix(rows, dtype);
  const limit = magnitudeLimit(dtype, X.rows, d);
  return X.data.every((value) => Math.abs(value) < limit) ? X : matrix(near, dtype);
}

/** Distances computed here, in double: squared Euclidean, or 1 − cos for 'cosine'. */
function distance(X: Matrix, i: number, C: Matrix, j: number, cosine: boolean): number {
  const d = X.cols;
  let dot = 0;
  let xx = 0;
  let cc = 0;
  let squared = 0;
  for (let t = 0; t < d; t++) {
    const x = X.data[i * d + t]!;
    const c = C.data[j * d + t]!;
    dot += x * c;
    xx += x * x;
    cc += c * c;
    squared += (x - c) ** 2;
  }
  return cosine ? 1 - dot / Math.sqrt(xx * cc) : squared;
}

function squaredNorm(M: Matrix, i: number): number {
  let sum = 0;
  for (let t = 0; t < M.cols; t++) sum += M.data[i * M.cols + t]! ** 2;
  return sum;
}

/** predict, transform and score work and agree with the distances to clusterCenters. */
function checkQueries(model: Model): void {
  const centers = model.clusterCenters;
  const { rows: k, cols: d } = centers;
  const f32 = centers.data instanceof Float32Array;
  const cosine = model.params.metric === 'cosine';
  const X = queriesFor(model);
  const labels = expectOk(
    outcome(() => model.predict(X)),
    'predict',
  );
  const distances = expectOk(
    outcome(() => model.transform(X)),
    'transform',
  );
  const score = expectOk(
    outcome(() => model.score(X)),
    'score',
  );
  ensure(labels.length === X.rows, `predict gave ${labels.length} labels for ${X.rows} rows`);
  ensure(distances.rows === X.rows && distances.cols === k, `transform gave ${distances.rows}×${distances.cols}`);
  ensure(distances.data instanceof Float32Array === f32, 'transform is not in the dtype of the centers');
  let largest = 0;
  for (let j = 0; j < k; j++) largest = Math.max(largest, squaredNorm(centers, j));
  let inertia = 0;
  let slackSum = 0;
  for (let i = 0; i < X.rows; i++) {
    const exact = Array.from({ length: k }, (_, j) => distance(X, i, centers, j, cosine));
    // Rounding of the kernels (norm trick, float32 arithmetic), relative to the values involved.
    const slack = cosine ? 1e-5 : (f32 ? 1e-5 : 1e-12) * (squaredNorm(X, i) + largest);
    const label = labels[i]!;
    ensure(Number.isInteger(label) && label >= 0 && label < k, `row ${i}: label ${label} is out of range`);
    ensure(
      exact[label]! <= Math.min(...exact) + slack,
      `row ${i}: label ${label} is not a nearest center (${exact.join(', ')})`,
    );
    for (let j = 0; j < label; j++) {
      const row = (r: number) => centers.data.subarray(r * d, (r + 1) * d);
      const same = isDeepStrictEqual(row(j), row(label));
      ensure(!same, `row ${i}: center ${j} equals center ${label}, and the lower index wins a tie`);
    }
    for (let j = 0; j < k; j++) {
      const value = distances.data[i * k + j]!;
      const expected = exact[j]!;
      const agrees = cosine
        ? Math.abs(value - expected) <= slack
        : f32 && !Number.isFinite(Math.fround(Math.sqrt(expected)))
          ? value === Infinity
          : Math.abs(value * value - expected) <= slack + 1e-6 * expected;
      ensure(
        agrees,
        `transform[${i}][${j}] is ${value}, the distance computed here ${cosine ? expected : Math.sqrt(expected)}`,
      );
    }
    inertia += exact[label]!;
    slackSum += slack;
  }
  ensure(
    Math.abs(-score - inertia) <= slackSum + 1e-12 * inertia,
    `score is ${score}, the inertia computed here ${inertia}`,
  );
}

/** A file that holds the centers and options of a fitted model gives that model's answers, exactly. */
function checkSameAnswers(model: Model, original: Model): void {
  const X = queriesFor(model);
  expectEqual(model.predict(X), original.predict(X), 'predict');
  expectEqual(model.transform(X).data, original.transform(X).data, 'transform');
  expectEqual(model.score(X), original.score(X), 'score');
}

/** A MiniBatchKMeans read from a file takes partialFit steps (from its centers when it has counts). */
function checkPartialFit(json: ModelJSON): void {
  const model = MiniBatchKMeans.fromJSON(json);
  const batch = queriesFor(model);
  const result = outcome(() => model.partialFit(batch));
  if (json.extra.counts === null) return; // a first step: its init and nClusters meet the batch
  expectOk(result, 'partialFit');
  const { data: centers, rows, cols } = model.clusterCenters;
  ensure(rows === json.nClusters && cols === json.nFeatures, `partialFit made ${rows}×${cols} centers`);
  ensure(centers.every(Number.isFinite), 'partialFit made centers that are not finite');
}

/** Sets an own property, as JSON.parse does ("__proto__" included). */
function define(object: object, key: string | number, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of the arrays and plain objects in a value (holes and prototypes kept); other values as they are. */
function copyOf(value: unknown): unknown {
  if (!Array.isArray(value) && Object.prototype.toString.call(value) !== '[object Object]') return value;
  const copy: object = Array.isArray(value) ? new Array(value.length) : Object.create(Object.getPrototypeOf(value));
  for (const [key, member] of Object.entries(value as object)) define(copy, key, copyOf(member));
  return copy;
}

/** Changing the input object after fromJSON does not change the model. */
function checkNoAliasing(input: unknown, name: ClassName): void {
  const copy = copyOf(input) as Json;
  const model = classes[name].fromJSON(copy);
  const before = model.toJSON();
  const scramble = (value: unknown): void => {
    if (Array.isArray(value))
      value.forEach((member, i) => (typeof member === 'number' ? (value[i] = 7) : scramble(member)));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(scramble);
  };
  scramble(copy);
  expectEqual(model.toJSON(), before, 'the model after its input object was changed');
}

/** JSON text of a value, or undefined where JSON.stringify refuses it (a bigint). */
function textOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function parsed(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Text and the object it parses to give the same outcome; text that is not JSON is refused as such. */
function tryText(text: string, from?: Base): void {
  const results = tryFile(text, from);
  const object = parsed(text);
  if (!object.ok) {
    for (const result of results) {
      const message = result.ok ? 'accepted' : result.error.message;
      ensure(
        message.startsWith('Cannot read the model file: it is not valid JSON ('),
        `text that is not JSON: ${message}`,
      );
    }
    return;
  }
  // JSON text of a string: fromJSON would read the string as text in turn.
  if (typeof object.value === 'string') return;
  const fromObject = tryFile(object.value, from, false);
  results.forEach((result, i) => {
    const other = fromObject[i]!;
    ensure(result.ok === other.ok, 'the text and the object it parses to are not both accepted or both refused');
    if (result.ok && other.ok)
      expectEqual(result.value.toJSON(), other.value.toJSON(), 'the models from the text and its object');
    if (!result.ok && !other.ok)
      expectEqual(result.error.message, other.error.message, 'the refusals of the text and its object');
  });
}

// ---------------------------------------------------------------------------------------------
// Generators.

const sizes = fc.constantFrom(
  0,
  -1,
  -0,
  1,
  2,
  3,
  4,
  1.5,
  0.5,
  8,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  1e300,
  NaN,
  Infinity,
  -Infinity,
);
const names = fc.constantFrom(
  'float64',
  'float32',
  'float16',
  'Float64',
  'int8',
  '',
  'KMeans',
  'MiniBatchKMeans',
  'kmeans',
  modelFormat,
  `${modelFormat} `,
  'lloyd',
  'elkan',
  'hamerly',
  'auto',
  'cosine',
  'euclidean',
  'k-means++',
  'random',
  'true',
  'null',
  'a\nb',
  '\u2028',
  '__proto__',
);
const numberStrings = fc.oneof(
  awkwardNumber.map(String),
  fc.constantFrom('1', '3', ' 2', '1e999', '0x10', '1_000', ''),
);

/** Any value: fast-check's anything (with the exotic kinds), awkward numbers and sizes, names, arrays. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 2,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  },
  { weight: 3, arbitrary: awkwardNumber },
  { weight: 2, arbitrary: sizes },
  { weight: 2, arbitrary: names },
  { weight: 1, arbitrary: numberStrings },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(awkwardNumber, { maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(fc.array(awkwardNumber, { maxLength: 4 }), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, [], {}, [[]], [null], Symbol('s'), {
      rows: 1,
      cols: 1,
      data: [0],
    }),
  },
);

/** Every path to a value in the file: its keys, those of params, extra and init, and array elements. */
function pathsOf(json: Json): { keys: Path[]; elements: Path[]; arrays: Path[] } {
  const keys: Path[] = [];
  const elements: Path[] = [];
  const arrays: Path[] = [];
  const walk = (value: unknown, path: Path): void => {
    if (Array.isArray(value)) {
      arrays.push(path);
      value.forEach((member, i) => {
        elements.push([...path, i]);
        walk(member, [...path, i]);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        keys.push([...path, key]);
        walk(member, [...path, key]);
      }
    }
  };
  walk(json, []);
  return { keys, elements, arrays };
}

const newKey = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'length',
    '0',
    'nclusters',
    'n_clusters',
    'random_state',
    'batchSize',
    'algorithm',
    'computeLabels',
    'initSize',
    'algorithmUsed',
    'converged',
    'nSteps',
    'counts',
    'featureNames',
    'rows',
    'cols',
    'data',
  ),
);
const newKeyPath = fc
  .tuple(fc.constantFrom<Path>([], ['params'], ['extra'], ['params', 'init']), newKey)
  .map(([container, key]): Path => [...container, key]);

type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'resize'; path: Path; delta: number }
  | { kind: 'graft'; path: Path; from: number };

function mutation(json: Json): fc.Arbitrary<Mutation> {
  const { keys, elements, arrays } = pathsOf(json);
  const topKeys = Object.keys(json).map((key): Path => [key]);
  const existing = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...elements) },
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        path: fc.oneof(existing, existing, newKeyPath),
        value: anyValue,
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: existing }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('resize' as const),
        path: fc.constantFrom(...arrays),
        delta: fc.integer({ min: -3, max: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('graft' as const),
        path: fc.constantFrom(...topKeys),
        from: fc.nat(bases.length - 1),
      }),
    },
  );
}

function parentOf(root: Json, path: Path): Record<string | number, unknown> | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  const editable = Array.isArray(node) || Object.prototype.toString.call(node) === '[object Object]';
  return editable ? (node as Record<string | number, unknown>) : undefined;
}

/** Applies a mutation in place; one whose path no longer exists does nothing. */
function apply(root: Json, change: Mutation): void {
  const parent = parentOf(root, change.path);
  const key = change.path[change.path.length - 1]!;
  if (!parent) return;
  if (change.kind === 'delete') {
    delete parent[key];
  } else if (change.kind === 'resize') {
    const array = parent[key];
    if (!Array.isArray(array)) return;
    if (change.delta < 0) array.length = Math.max(0, array.length + change.delta);
    else for (let i = 0; i < change.delta; i++) array.push(array[array.length - 1] ?? 0);
  } else if (!Array.isArray(parent) || /^\d+$/.test(String(key))) {
    // A copy: a later change must not edit the generated value (fast-check shrinks and prints it).
    define(parent, key, copyOf(change.kind === 'set' ? change.value : bases[change.from]!.json[key]));
  }
}

const baseArbitrary = fc.constantFrom(...bases);

type TextEdit =
  | { kind: 'truncate'; at: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'number'; index: number; text: string }
  | { kind: 'key'; container: string; key: string; text: string; last: boolean };

const valueTexts = fc.oneof(
  fc.constantFrom(
    '1e999',
    '-1e999',
    '1e-400',
    '-0',
    '0',
    '1',
    '2',
    '3',
    '1.5',
    '-1',
    '0.1',
    '2e0',
    '"3"',
    'null',
    'true',
    '[]',
    '{}',
    '[1e999]',
    '9007199254740993',
    `1${'0'.repeat(400)}`,
    '"float32"',
    '"KMeans"',
    '"MiniBatchKMeans"',
    '{"rows":1,"cols":1,"data":[0]}',
    '{"__proto__":{"nClusters":1}}',
    '{"nClusters":1}',
  ),
  fc.json({ maxDepth: 2 }),
);
const characters = fc.constantFrom(
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '0',
  '9',
  '-',
  '+',
  'e',
  '.',
  ' ',
  '\n',
  'x',
  '\\',
  '\u2028',
  '\u0000',
  'n',
);
const snippets = fc.oneof(
  characters,
  valueTexts,
  fc.constantFrom(',', ',,', '"__proto__":{"nClusters":1},', '"nClusters":2,', ']', '}', '/*', '\ufeff'),
);
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: characters }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: snippets }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('number' as const), index: fc.nat(), text: valueTexts }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('key' as const),
      container: fc.constantFrom('', 'params', 'extra', 'init'),
      key: fc.constantFrom(
        '__proto__',
        'format',
        'version',
        'model',
        'dtype',
        'nClusters',
        'nFeatures',
        'clusterCenters',
        'inertia',
        'nIter',
        'params',
        'extra',
        'metric',
        'init',
        'nSteps',
        'counts',
        'rows',
        'data',
      ),
      text: valueTexts,
      last: fc.boolean(),
    }),
  },
);

function edit(text: string, change: TextEdit): string {
  const at = 'at' in change ? change.at % (text.length + 1) : 0;
  switch (change.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'replace':
      return text.slice(0, at) + change.text + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + change.text + text.slice(at);
    case 'number': {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      const found = numbers[change.index % Math.max(numbers.length, 1)];
      if (!found) return text;
      return text.slice(0, found.index) + change.text + text.slice(found.index + found[0].length);
    }
    case 'key': {
      // A key added at the start of an object (the one already there wins) or at its end (it wins).
      const open =
        change.container === '' ? /^\s*\{/.exec(text) : new RegExp(`"${change.container}":\\s*\\{`).exec(text);
      if (!open) return text;
      const start = open.index + open[0].length;
      const member = `"${change.key}":${change.text}`;
      if (!change.last) return `${text.slice(0, start)}${member},${text.slice(start)}`;
      let depth = 1;
      let end = start;
      for (let inString = false; end < text.length && depth > 0; end++) {
        const char = text[end];
        if (inString) {
          if (char === '\\') end++;
          else if (char === '"') inString = false;
        } else if (char === '"') inString = true;
        else if (char === '{' || char === '[') depth++;
        else if (char === '}' || char === ']') depth--;
      }
      return depth === 0 ? `${text.slice(0, end - 1)},${member}${text.slice(end - 1)}` : text;
    }
  }
}

/** A file built from the known keys, each one right or any value, some left out. */
const shapedFile = fc.record(
  {
    format: fc.oneof({ weight: 4, arbitrary: fc.constant(modelFormat) }, anyValue),
    version: fc.oneof({ weight: 4, arbitrary: fc.constant(modelVersion) }, anyValue),
    model: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('KMeans', 'MiniBatchKMeans') }, anyValue),
    params: fc.oneof(
      { weight: 3, arbitrary: fc.record({ nClusters: fc.integer({ min: 1, max: 3 }) }) },
      fc.dictionary(fc.constantFrom(...Object.keys(kmeansDefaults), ...Object.keys(miniBatchDefaults)), anyValue, {
        maxKeys: 3,
      }),
      anyValue,
    ),
    dtype: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('float64', 'float32') }, anyValue),
    nClusters: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, sizes, anyValue),
    nFeatures: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, sizes, anyValue),
    clusterCenters: fc.oneof({ weight: 4, arbitrary: fc.array(awkwardNumber, { maxLength: 9 }) }, anyValue),
    inertia: fc.oneof({ weight: 4, arbitrary: fc.double({ min: 0, max: 1e6 }) }, awkwardNumber, anyValue),
    nIter: fc.oneof({ weight: 4, arbitrary: fc.nat(50) }, anyValue),
    extra: fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      fc.record(
        {
          algorithmUsed: names,
          converged: fc.oneof(fc.boolean(), anyValue),
          nSteps: fc.oneof(fc.nat(9), anyValue),
          counts: anyValue,
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    featureNames: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anyValue),
  },
  { requiredKeys: [] },
);

/** Centers in a new shape (k·d values), with the rest of the file made to agree, or not. */
const reshaped = fc.record({
  base: baseArbitrary,
  k: fc.integer({ min: 1, max: 6 }),
  d: fc.integer({ min: 1, max: 5 }),
  values: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -20, max: 20, noNaN: true }) },
      { weight: 2, arbitrary: awkwardNumber },
      { weight: 1, arbitrary: fc.constantFrom(0, 1, -1) },
    ),
    { minLength: 60, maxLength: 60 },
  ),
  unit: fc.boolean(),
  params: fc.constantFrom('match', 'match', 'init matrix', 'init random', 'keep'),
  featureNames: fc.constantFrom('match', 'keep', 'drop'),
  counts: fc.constantFrom('match', 'keep', 'null', 'drop', 'negative'),
  dtype: fc.constantFrom('keep', 'float32', 'float64'),
  metric: fc.constantFrom('keep', 'keep', 'euclidean', 'cosine'),
});

function reshape(spec: typeof reshaped extends fc.Arbitrary<infer T> ? T : never): Json {
  const { k, d, values } = spec;
  const file = structuredClone(spec.base.json);
  const params = file.params as Json;
  if (spec.metric !== 'keep') params.metric = spec.metric;
  if (spec.dtype !== 'keep') file.dtype = spec.dtype;
  const centers = values.slice(0, k * d);
  if (spec.unit || params.metric === 'cosine') {
    for (let j = 0; j < k; j++) {
      const row = centers.slice(j * d, (j + 1) * d);
      const scale = Math.max(...row.map(Math.abs));
      const length = scale * Math.hypot(...row.map((value) => value / scale));
      row.forEach((value, t) => (centers[j * d + t] = value / length));
    }
  }
  Object.assign(file, { nClusters: k, nFeatures: d, clusterCenters: centers });
  if (spec.params !== 'keep') {
    params.nClusters = k;
    if (spec.params === 'init random') params.init = 'random';
    else if (spec.params === 'init matrix') params.init = { rows: k, cols: d, data: values.slice(30, 30 + k * d) };
    else delete params.init;
  }
  if (spec.featureNames === 'match') file.featureNames = Array.from({ length: d }, (_, j) => `column ${j}`);
  if (spec.featureNames === 'drop') delete file.featureNames;
  const extra = file.extra as Json;
  // The totals of the base's fit say nothing of the new centers (and may not have k values).
  delete extra.clusterSizes;
  delete extra.clusterInertia;
  if (file.model === 'MiniBatchKMeans' && spec.counts !== 'keep') {
    if (spec.counts === 'drop') delete extra.counts;
    else if (spec.counts === 'null') extra.counts = null;
    else
      extra.counts = values
        .slice(0, k)
        .map((value, j) => (spec.counts === 'negative' && j === 0 ? -1 : Math.abs(value)));
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// The properties.

describe('model files, fuzzed', () => {
  it('every base file reads back to its model, with exactly its answers', () => {
    for (const { name, model, json } of bases) {
      const loaded = tryFile(json).filter((result) => result.ok);
      expect(loaded.length, name).toBe(1);
      tryText(JSON.stringify(json));
      const read = classes[json.model as ClassName].fromJSON(JSON.stringify(json));
      checkSameAnswers(read, model);
    }
  });

  it('arbitrary values and JSON texts: refused, or the model they describe', () => {
    const value = fc.oneof(
      { weight: 3, arbitrary: anyValue.map((v) => ({ object: v })) },
      { weight: 2, arbitrary: fc.json().map((text) => ({ text })) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => ({ object: v })) },
    );
    fc.assert(
      fc.property(value, (input) => {
        if ('text' in input) tryText(input.text);
        else tryFile(input.object);
      }),
      fuzzParameters(1500),
    );
  });

  it('files built from the known keys with any values: refused, or the model they describe', () => {
    fc.assert(
      fc.property(shapedFile, (file) => {
        tryFile(file);
        const text = textOf(file);
        if (text !== undefined) tryText(text);
      }),
      fuzzParameters(1500),
    );
  });

  it("fitted models' files with keys deleted, added or replaced", () => {
    const mutated = baseArbitrary.chain((from) =>
      fc.tuple(fc.constant(from), fc.array(mutation(from.json), { minLength: 1, maxLength: 4 })),
    );
    fc.assert(
      fc.property(mutated, ([from, changes]) => {
        const file = structuredClone(from.json);
        for (const change of changes) apply(file, change);
        tryFile(file, from);
        const text = textOf(file);
        if (text !== undefined) tryFile(text, from);
      }),
      fuzzParameters(5000),
    );
  });

  it("fitted models' JSON text cut, altered, with duplicate and __proto__ keys", () => {
    fc.assert(
      fc.property(
        baseArbitrary,
        fc.boolean(),
        fc.array(textEdit, { minLength: 1, maxLength: 3 }),
        (from, pretty, edits) => {
          let text = JSON.stringify(from.json, null, pretty ? 2 : undefined);
          for (const change of edits) text = edit(text, change);
          tryText(text, from);
        },
      ),
      fuzzParameters(4000),
    );
  });

  it('centers in new shapes and values, the rest of the file agreeing or not', () => {
    fc.assert(
      fc.property(reshaped, (spec) => {
        const file = reshape(spec);
        tryFile(file, spec.base);
        tryFile(JSON.stringify(file), spec.base);
      }),
      fuzzParameters(2960),
    );
  });

  it('huge length claims are refused at once', () => {
    const claim = fc.record({
      from: baseArbitrary,
      where: fc.constantFrom('clusterCenters', 'params.init'),
      shape: fc.constantFrom(
        [65535, 65537],
        [65537, 65535],
        [2 ** 16, 2 ** 15],
        [1, 2 ** 32 - 1],
        [2 ** 32 - 1, 1],
        [1e5, 1e4],
      ),
      filled: fc.nat(3),
    });
    fc.assert(
      fc.property(claim, ({ from, where, shape: [rows, cols], filled }) => {
        const sparse: number[] = [];
        sparse.length = rows * cols;
        for (let i = 0; i < filled; i++) sparse[i] = 0.5;
        const params = from.json.params as Json;
        const file =
          where === 'clusterCenters'
            ? { ...from.json, nClusters: rows, nFeatures: cols, clusterCenters: sparse }
            : { ...from.json, params: { ...params, nClusters: undefined, init: { rows, cols, data: sparse } } };
        for (const name of classNames) {
          const start = performance.now();
          const result = outcome(() => classes[name].fromJSON(file));
          expect(performance.now() - start, 'fromJSON took too long').toBeLessThan(1000);
          expect(result.ok).toBe(false);
          if (!result.ok) checkRefusal(result.error);
          // Unchanged (a snapshot would walk all of its length).
          expect([sparse.length, Object.keys(sparse).length]).toEqual([rows * cols, filled]);
        }
      }),
      fuzzParameters(40),
    );
  });
});
