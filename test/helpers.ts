import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Matrix } from '../src/matrix';

export interface ReferenceCase {
  name: string;
  dataset: string;
  dtype: 'float64' | 'float32';
  nClusters: number;
  init: number[][];
  sampleWeight: number[] | null;
  maxIter: number;
  tol: number;
  initAttempts: number;
  expected: { centers: number[][]; labels: number[]; inertia: number; nIter: number };
  predict?: { X: number[][]; labels: number[]; transform: number[][]; score: number };
}

export interface PlusPlusReference {
  name: string;
  dataset: string;
  nClusters: number;
  seeds: number;
  meanPotential: number;
  meanFitInertia: number;
  cvPotential: number;
  cvFitInertia: number;
}

export interface Reference {
  sklearnVersion: string;
  datasets: Record<string, { X: number[][] }>;
  cases: ReferenceCase[];
  plusPlus: PlusPlusReference[];
}

export const reference: Reference = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'kmeans_reference.json'), 'utf8'),
);

/** A row-major typed matrix from rows. */
export function matrix(rows: number[][], dtype: 'float64' | 'float32' = 'float64'): Matrix {
  const flat = rows.flat();
  const data = dtype === 'float32' ? Float32Array.from(flat) : Float64Array.from(flat);
  return { data, rows: rows.length, cols: rows[0]!.length };
}

/** Gaussian blobs from a small seeded generator (mulberry32 + Box-Muller). */
export function blobs(n: number, d: number, centers: number, seed: number, spread = 10, std = 1): number[][] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const means = Array.from({ length: centers }, () => Array.from({ length: d }, () => (uniform() * 2 - 1) * spread));
  return Array.from({ length: n }, (_, i) => means[i % centers]!.map((m) => m + std * normal()));
}

/** Largest |a - b| over all entries, relative to the largest |b|. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst / (scale || 1);
}
