/**
 * Every error code reachable from the public API is thrown as a KMeansError.
 */
import { Float64, Table, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { KMeans, metrics, vq } from '../../src/index';
import type { KMeansErrorCode } from '../../src/index';
import { X, expectKMeansError, fitted } from './validation_helpers';

describe('error codes', () => {
  /**
   * Not reachable from ordinary input, so exempt here:
   * - ERR_KMEANS_ALLOC: the native core failing to allocate (needs memory exhaustion);
   * - ERR_KMEANS_TOO_LARGE: a result larger than a typed array can hold (needs a huge input);
   * - ERR_KMEANS_DETACHED_BUFFER: needs an async call (tested in test/api/async.test.ts);
   * - ERR_KMEANS_ADDON_NOT_FOUND: the addon missing (it is loaded once per process, and is present;
   *   tested on package trees without it in test/package/addon_loader.test.ts);
   * - ERR_KMEANS_INTERNAL: a bug in the library;
   * - ERR_KMEANS_MISSING_DEPENDENCY, ERR_KMEANS_SQL: kmeans-native/duckdb's and /clickhouse's,
   *   asynchronous (tested in test/api/duckdb.test.ts and test/api/clickhouse.test.ts).
   */
  type Exempt =
    | 'ERR_KMEANS_ALLOC'
    | 'ERR_KMEANS_TOO_LARGE'
    | 'ERR_KMEANS_DETACHED_BUFFER'
    | 'ERR_KMEANS_ADDON_NOT_FOUND'
    | 'ERR_KMEANS_SOURCE_FAILED' // async only: test/api/fit_source.test.ts
    | 'ERR_KMEANS_INTERNAL'
    | 'ERR_KMEANS_MISSING_DEPENDENCY'
    | 'ERR_KMEANS_SQL';

  // A Record over the union: `tsc` fails if a code is added to KMeansErrorCode without a trigger here.
  const triggers: Record<Exclude<KMeansErrorCode, Exempt>, () => unknown> = {
    ERR_KMEANS_INVALID_OPTION: () => new KMeans({ nClusters: 0 }),
    ERR_KMEANS_INVALID_DATA: () => new KMeans().fit([[1, 2], [3]]),
    ERR_KMEANS_INVALID_LABELS: () => metrics.contingencyMatrix([0, 1], [0]),
    ERR_KMEANS_EMPTY_DATA: () => new KMeans().fit([]),
    ERR_KMEANS_NON_FINITE: () => new KMeans().fit([[NaN]]),
    ERR_KMEANS_NULL_VALUE: () =>
      new KMeans({ nClusters: 1 }).fit(new Table({ a: vectorFromArray([1, null], new Float64()) })),
    ERR_KMEANS_OVERFLOW: () => new KMeans({ nClusters: 1 }).fit([[1e200]]),
    ERR_KMEANS_SHAPE_MISMATCH: () => fitted().predict([[1, 2, 3]]),
    ERR_KMEANS_TOO_FEW_SAMPLES: () => new KMeans({ nClusters: 7 }).fit(X),
    ERR_KMEANS_INVALID_WEIGHTS: () => new KMeans({ nClusters: 2 }).fit(X, { sampleWeight: [] }),
    ERR_KMEANS_NOT_FITTED: () => new KMeans().predict(X),
    ERR_KMEANS_INVALID_MODEL: () => KMeans.fromJSON('{"format":"kmeans-native-model","version":99}'),
    ERR_KMEANS_ZERO_VECTOR: () => new KMeans({ nClusters: 2, metric: 'cosine' }).fit([[0, 0], ...X]),
    ERR_KMEANS_EMPTY_CLUSTER: () =>
      vq.kmeans2(
        X,
        [
          [0, 0],
          [100, 100],
        ],
        { minit: 'matrix', missing: 'raise' },
      ),
  };

  it.each(Object.entries(triggers))('%s is thrown as a KMeansError', (code, trigger) => {
    const error = expectKMeansError(trigger, code as KMeansErrorCode, /\S/);
    expect(error.stack).toMatch(/^KMeansError: /);
  });
});
