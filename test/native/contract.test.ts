// The one contract between the facade and the addon: each operation's request schema lives in
// native/binding/operations.hpp (kFields), and the addon reports it. The list below is held equal
// to src/binding.ts's request types by the compiler, and to the addon's schema by this test; the
// addon refuses fields outside the schema, so a field renamed on one side alone fails at once.
import { describe, expect, it } from 'vitest';
import { type OperationName, type Operations, native } from '../../src/binding';

const data = ['x', 'columns', 'n', 'd', 'sampleWeight', 'threads', 'cancel', 'onProgress'] as const;
const call = ['threads', 'cancel', 'onProgress'] as const;
const sparse = [...call, 'indptr', 'indices', 'data', 'rowNorms', 'n', 'd', 'sampleWeight'] as const;

const requestFields = {
  fit: [...data, 'centers', 'k', 'labels', 'maxIter', 'tol', 'algorithm', 'mixedPrecision', 'spherical'],
  assign: [...data, 'centers', 'k', 'labels', 'sqDistances', 'mixedPrecision', 'inertiaBase'],
  transform: [...data, 'centers', 'k', 'cosine', 'out'],
  clusterMeans: [...data, 'labels', 'k', 'centers', 'weights'],
  columnStats: [...data, 'means', 'origin', 'sums'],
  firstOutOfRange: [...data, 'limit'],
  plusPlus: [...data, 'shift', 'k', 'trials', 'uniforms', 'indices'],
  miniBatchStep: [...data, 'indices', 'k', 'centers', 'counts', 'labels', 'batchWeights', 'mixedPrecision', 'spherical'],
  unitRows: [...data, 'out'],
  whiten: [...data, 'out'],
  seedCenters: [...data, 'method', 'k', 'trials', 'shift', 'state', 'centers', 'indices'],
  randomDraws: [...call, 'state', 'seed', 'doubles', 'integers', 'below'],
  covariance: [...data, 'means', 'covariance', 'factor'],
  passChunk: [
    ...data,
    'centers',
    'k',
    'shift',
    'sums',
    'stats',
    'fingerprint',
    'firstRow',
    'mixedPrecision',
    'upper',
    'lower',
    'labels',
    'hamerly',
  ],
  farthestRows: [
    ...data,
    'centers',
    'k',
    'count',
    'firstRow',
    'mixedPrecision',
    'distances',
    'rows',
    'labels',
    'weights',
    'values',
  ],
  updateCenters: [
    'sums',
    'centers',
    'k',
    'd',
    'moveValues',
    'moveWeights',
    'moveLabels',
    'spherical',
    'out',
    'hamerly',
    'threads',
    'cancel',
    'onProgress',
  ],
  inertia: [...data, 'labels', 'centers', 'k', 'base'],
  weightedRowDraw: [...data, 'key', 'firstRow', 'best', 'center'],
  candidateCost: [...data, 'candidates', 'm', 'mixedPrecision', 'base'],
  sampleCandidates: [...data, 'candidates', 'm', 'mixedPrecision', 'firstRow', 'key', 'oversampling', 'cost'],
  candidateWeights: [...data, 'candidates', 'm', 'mixedPrecision', 'weights'],
  silhouette: [...data, 'labels', 'k', 'metric', 'indices', 'out'],
  sparseFit: [...sparse, 'centers', 'k', 'labels', 'maxIter', 'tol', 'spherical'],
  sparseAssign: [...sparse, 'centers', 'k', 'labels'],
  sparsePlusPlus: [...sparse, 'k', 'trials', 'uniforms', 'chosen'],
} as const satisfies { [K in OperationName]: readonly (keyof Operations[K][0])[] };

// Compile time: every field that src/binding.ts declares is listed above (`satisfies` checks the
// other direction), and every operation it declares is here.
type Unlisted = {
  [K in OperationName]: Exclude<keyof Operations[K][0], (typeof requestFields)[K][number]>;
}[OperationName];
const everyFieldListed: [Unlisted] extends [never] ? true : false = true;

describe('the native contract', () => {
  it('has every field of the TypeScript request types listed', () => {
    expect(everyFieldListed).toBe(true);
  });

  it("gives each operation the request fields of the addon's schema", () => {
    const schema = native().schema;
    expect(Object.keys(schema).sort()).toEqual(Object.keys(requestFields).sort());
    for (const [name, fields] of Object.entries(requestFields)) {
      expect([...schema[name as OperationName]].sort(), name).toEqual([...fields].sort());
    }
  });

  it('exports each operation and its Async twin, and nothing else but info and schema', () => {
    const names = Object.keys(requestFields).flatMap((name) => [name, `${name}Async`]);
    expect(Object.keys(native()).sort()).toEqual([...names, 'info', 'schema'].sort());
  });

  it('refuses a request field outside the schema', () => {
    const request = { x: new Float64Array(4), n: 2, d: 2, sampleWeight: null, threads: 1, means: new Float64Array(2) };
    expect(native().columnStats(request)).toBeTypeOf('number');
    expect(() => native().columnStats({ ...request, mean: new Float64Array(2) } as never)).toThrow(
      /unknown request field mean/,
    );
    // Undefined fields count as absent, as optional ones are passed.
    expect(native().columnStats({ ...request, sampleWeight: undefined } as never)).toBeTypeOf('number');
  });
});
