// Compile-time types of the public API: a model fitted on float32 data has Float32Array
// centers, on float64 data or number[][] Float64Array centers, and either where the data's
// type does not tell. tsc (npm run lint) checks the expectTypeOf lines; vitest runs the same
// calls and checks that the arrays at run time are of the types claimed.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AsyncFitOptions,
  type FitOptions,
  type FitProgress,
  type IterationHistory,
  KMeans,
  type Matrix,
  type MatrixLike,
  MiniBatchKMeans,
  type SampleWeight,
} from '../../src/index';
import type * as types from '../../src/types';

type FloatArray = Float64Array | Float32Array;

const rows = [
  [0, 0],
  [0, 1],
  [10, 10],
  [10, 11],
];
const float64: Matrix<Float64Array> = { data: Float64Array.from(rows.flat()), rows: 4, cols: 2 };
const float32: Matrix<Float32Array> = { data: Float32Array.from(rows.flat()), rows: 4, cols: 2 };
const unknownDType: Matrix = float32;
const options = { nClusters: 2, seed: 0 };

describe('dtype-aware types', () => {
  it('KMeans: fit on float32 data gives Float32Array centers', () => {
    const model = new KMeans(options).fit(float32);
    expectTypeOf(model).toEqualTypeOf<KMeans<Float32Array>>();
    expectTypeOf(model.clusterCenters.data).toEqualTypeOf<Float32Array>();
    expect(model.clusterCenters.data).toBeInstanceOf(Float32Array);
    // @ts-expect-error: the centers are float32, not float64
    const wrong: Float64Array = model.clusterCenters.data;
    expect(wrong).toBeInstanceOf(Float32Array);
  });

  it('KMeans: float64 matrices and number[][] give Float64Array centers', () => {
    const typed = new KMeans(options).fit(float64);
    const arrays = new KMeans(options).fit(rows);
    expectTypeOf(typed.clusterCenters.data).toEqualTypeOf<Float64Array>();
    expectTypeOf(arrays.clusterCenters.data).toEqualTypeOf<Float64Array>();
    expect(typed.clusterCenters.data).toBeInstanceOf(Float64Array);
    expect(arrays.clusterCenters.data).toBeInstanceOf(Float64Array);
  });

  it('KMeans: either array type where the data type does not tell, and by default', () => {
    expectTypeOf(new KMeans(options).fit(unknownDType).clusterCenters.data).toEqualTypeOf<FloatArray>();
    expectTypeOf(new KMeans(options).fit(float32 as MatrixLike).clusterCenters.data).toEqualTypeOf<FloatArray>();
    expectTypeOf<KMeans['clusterCenters']['data']>().toEqualTypeOf<FloatArray>();
    expectTypeOf(KMeans.fromJSON).returns.toEqualTypeOf<KMeans>();
    expectTypeOf<KMeans>().toEqualTypeOf<KMeans<FloatArray>>();
  });

  it('KMeans: fitAsync, transform and fitTransform follow the dtype of X', async () => {
    const model = await new KMeans(options).fitAsync(float32);
    expectTypeOf(model.clusterCenters.data).toEqualTypeOf<Float32Array>();
    expect(model.clusterCenters.data).toBeInstanceOf(Float32Array);
    expectTypeOf(model.transform(rows).data).toEqualTypeOf<Float64Array>();
    expect(model.transform(rows).data).toBeInstanceOf(Float64Array);
    const distances = new KMeans(options).fitTransform(float32);
    expectTypeOf(distances.data).toEqualTypeOf<Float32Array>();
    expect(distances.data).toBeInstanceOf(Float32Array);
    expectTypeOf(model.predict(float32)).toEqualTypeOf<Int32Array>();
  });

  it('a typed model goes where a model of either dtype is expected', () => {
    expectTypeOf<KMeans<Float32Array>>().toExtend<KMeans>();
    expectTypeOf<MiniBatchKMeans<Float64Array>>().toExtend<MiniBatchKMeans>();
    const describeModel = (model: KMeans) => model.clusterCenters.rows;
    expect(describeModel(new KMeans(options).fit(float32))).toBe(2);
  });

  it('MiniBatchKMeans: fit, fitAsync, partialFit and fitStream follow the dtype of X', async () => {
    const mb = { ...options, batchSize: 4 };
    const fitted = new MiniBatchKMeans(mb).fit(float32);
    expectTypeOf(fitted.clusterCenters.data).toEqualTypeOf<Float32Array>();
    expect(fitted.clusterCenters.data).toBeInstanceOf(Float32Array);
    // partialFit moves the centers on in the batch's dtype.
    const moved = fitted.partialFit(rows);
    expectTypeOf(moved.clusterCenters.data).toEqualTypeOf<Float64Array>();
    expect(moved.clusterCenters.data).toBeInstanceOf(Float64Array);
    const asynchronous = await new MiniBatchKMeans(mb).fitAsync(float64);
    expectTypeOf(asynchronous.clusterCenters.data).toEqualTypeOf<Float64Array>();
    const streamed = await new MiniBatchKMeans(mb).fitStream([float32, float32]);
    expectTypeOf(streamed.clusterCenters.data).toEqualTypeOf<Float32Array>();
    expect(streamed.clusterCenters.data).toBeInstanceOf(Float32Array);
    expectTypeOf<MiniBatchKMeans['clusterCenters']['data']>().toEqualTypeOf<FloatArray>();
    expectTypeOf(MiniBatchKMeans.fromJSON).returns.toEqualTypeOf<MiniBatchKMeans>();
  });
});

describe('shared types', () => {
  it('are exported from the index as the ones the estimators use', () => {
    expectTypeOf<FitOptions>().toEqualTypeOf<types.FitOptions>();
    expectTypeOf<SampleWeight>().toEqualTypeOf<types.SampleWeight>();
    expectTypeOf<IterationHistory>().toEqualTypeOf<types.IterationHistory>();
    expectTypeOf<AsyncFitOptions>().toEqualTypeOf<types.AsyncFitOptions>();
    expectTypeOf<FitProgress>().toEqualTypeOf<types.FitProgress>();
    expectTypeOf<KMeans['fit']>().parameter(1).toEqualTypeOf<FitOptions | undefined>();
    expectTypeOf<KMeans['history']>().toEqualTypeOf<IterationHistory>();
  });

  it('DataOf maps input types to the array type of results', () => {
    expectTypeOf<types.DataOf<Matrix<Float32Array>>>().toEqualTypeOf<Float32Array>();
    expectTypeOf<
      types.DataOf<{ data: Float32Array<ArrayBuffer>; rows: number; cols: number }>
    >().toEqualTypeOf<Float32Array>();
    expectTypeOf<types.DataOf<Matrix<Float64Array>>>().toEqualTypeOf<Float64Array>();
    expectTypeOf<types.DataOf<number[][]>>().toEqualTypeOf<Float64Array>();
    expectTypeOf<types.DataOf<Matrix>>().toEqualTypeOf<FloatArray>();
    expectTypeOf<types.DataOf<MatrixLike>>().toEqualTypeOf<FloatArray>();
  });
});
