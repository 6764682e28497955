// The rows a plot of large data draws: exactly as many as asked, distinct, ascending, the same
// every time, and spread evenly even over data whose rows cycle through the clusters.
import { describe, expect, it } from 'vitest';
import { sampleRows } from '../../src/cli/row_sample';

describe('sampleRows', () => {
  it('takes every row when there are no more than wanted', () => {
    expect(Array.from(sampleRows(5, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(sampleRows(3, 10))).toEqual([0, 1, 2]);
  });

  it.each([
    [25_000, 10_000],
    [1_000_000, 100],
    [101, 100],
    [2_000, 1],
  ])('of %i rows takes exactly %i, distinct and ascending, the same each time', (rows, wanted) => {
    const sample = sampleRows(rows, wanted);
    expect(sample).toHaveLength(wanted);
    for (let i = 1; i < sample.length; i++) expect(sample[i]!).toBeGreaterThan(sample[i - 1]!);
    expect(sample[0]!).toBeGreaterThanOrEqual(0);
    expect(sample[wanted - 1]!).toBeLessThan(rows);
    expect(sampleRows(rows, wanted)).toEqual(sample);
  });

  it('does not alias with rows that cycle through 5 or 8 clusters, nor favour either half of the file', () => {
    const sample = sampleRows(200_000, 10_000);
    for (const cycle of [5, 8]) {
      const counts = new Array<number>(cycle).fill(0);
      for (const row of sample) counts[row % cycle]!++;
      // Binomial spread: a standard deviation of about sqrt(10000 / cycle) ≈ 45 or 35.
      for (const count of counts) expect(Math.abs(count - 10_000 / cycle)).toBeLessThan(250);
    }
    const firstHalf = sample.filter((row) => row < 100_000).length;
    expect(Math.abs(firstHalf - 5_000)).toBeLessThan(300);
  });
});
