/**
 * The k-means algorithms the native core runs. Their one table is in
 * native/kernels/algorithms/algorithms.hpp, which also holds the 'auto' rule and the memory
 * fallbacks; the addon reports the names (`info().algorithms`), and a test keeps this list
 * equal to them.
 */
export const algorithmNames = ['lloyd', 'elkan', 'hamerly'] as const;

/** An algorithm the native core runs. */
export type AlgorithmName = (typeof algorithmNames)[number];

/** What `algorithm` accepts: a name, or 'auto' to let the native table pick by the problem's shape. */
export type Algorithm = AlgorithmName | 'auto';

export function isAlgorithmName(value: unknown): value is AlgorithmName {
  return (algorithmNames as readonly unknown[]).includes(value);
}

export function isAlgorithm(value: unknown): value is Algorithm {
  return value === 'auto' || isAlgorithmName(value);
}

/** The names as an error message lists them: "lloyd", "elkan" or "hamerly". */
export function listAlgorithms(extra: string[] = []): string {
  const quoted = [...algorithmNames, ...extra].map((name) => `"${name}"`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
