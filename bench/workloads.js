// Benchmark workloads as data: Gaussian blobs of n rows, d columns, clustered into k centers, with
// standard deviation std (default 2.0; see data.js). Entries with `default: false` run only when
// named with --workloads, or with --all.

export const workloads = [
  { name: 'n200k-d16-k16', n: 200_000, d: 16, k: 16 },
  { name: 'n100k-d64-k256', n: 100_000, d: 64, k: 256 },
  { name: 'n1m-d4-k8', n: 1_000_000, d: 4, k: 8, default: false },
  { name: 'n100k-d2-k500', n: 100_000, d: 2, k: 500, default: false },
  // Shaped like MNIST (60000 images of 28x28 pixels, 10 classes).
  { name: 'n60k-d784-k10', n: 60_000, d: 784, k: 10, default: false },
  // Shaped like text embeddings (768 and 1536 float32 dimensions are the common sizes).
  { name: 'n50k-d768-k50', n: 50_000, d: 768, k: 50, default: false },
  { name: 'n100k-d1536-k100', n: 100_000, d: 1536, k: 100, default: false },
  // Small: fixed costs dominate. Both must keep moving for iter mode's M iterations (6 by default),
  // or their ms/iter means nothing: from the benchmark's initial centers, Lloyd's algorithm
  // converges after 31 iterations on each.
  // Shaped like scikit-learn's digits (1797 images of 8x8 pixels, 10 classes). With the default
  // std the blobs lie so far apart that it converges after 5 iterations; std 16 makes them overlap.
  { name: 'n1797-d64-k10', n: 1797, d: 64, k: 10, std: 16, default: false },
  { name: 'n10000-d32-k20', n: 10_000, d: 32, k: 20, default: false },
];

export const dtypes = ['float64', 'float32'];

// Returns the workloads to run: all of them, the named ones (in the order given), or the default set.
export function selectWorkloads({ names, all = false } = {}) {
  if (all) return workloads.slice();
  if (!names || names.length === 0) return workloads.filter((w) => w.default !== false);
  return names.map((name) => {
    const workload = workloads.find((w) => w.name === name);
    if (!workload) {
      const known = workloads.map((w) => w.name).join(', ');
      throw new Error(`unknown workload '${name}' (known: ${known})`);
    }
    return workload;
  });
}
