"""Times scikit-learn's Lloyd k-means on data written by bench/lloyd.mjs.

X and the initial centers are raw little-endian float arrays in row-major order. For each repeat
the script fits once with max_iter=1 and once with max_iter=ITERS (after one untimed warm-up fit)
and prints a single JSON object on stdout with the wall-clock times in milliseconds; the driver
turns them into a time per iteration exactly as it does for the other libraries.
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np


def load(path, dtype, rows, cols):
    array = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder('<'))
    if array.size != rows * cols:
        sys.exit(f'{path}: expected {rows * cols} values, found {array.size}')
    return array.astype(dtype, copy=False).reshape(rows, cols)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', required=True, help='file holding X (n x d)')
    parser.add_argument('--init', required=True, help='file holding the initial centers (k x d)')
    parser.add_argument('--rows', type=int, required=True, help='n')
    parser.add_argument('--cols', type=int, required=True, help='d')
    parser.add_argument('--clusters', type=int, required=True, help='k')
    parser.add_argument('--dtype', choices=['float64', 'float32'], required=True)
    parser.add_argument('--iters', type=int, default=6, help='max_iter of the long fit')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, required=True)
    args = parser.parse_args()

    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_info, threadpool_limits

    X = load(args.data, args.dtype, args.rows, args.cols)
    init = load(args.init, args.dtype, args.clusters, args.cols)

    def fit(max_iter):
        start = time.perf_counter()
        km = KMeans(
            n_clusters=args.clusters,
            init=init,
            n_init=1,
            max_iter=max_iter,
            tol=0,
            algorithm='lloyd',
        ).fit(X)
        return (time.perf_counter() - start) * 1e3, km

    # Short fits can end with an empty cluster ("Number of distinct clusters ... smaller than
    # n_clusters"); that is part of the algorithm, not a problem with the measurement.
    warnings.simplefilter('ignore', ConvergenceWarning)

    times_1, times_m = [], []
    with threadpool_limits(limits=args.threads):
        fit(1)  # warm-up: thread pools, page faults, lazy imports
        for _ in range(args.repeats):
            t_1, km_1 = fit(1)
            t_m, km_m = fit(args.iters)
            times_1.append(t_1)
            times_m.append(t_m)
        pools = [
            {'api': p['user_api'], 'library': p['internal_api'], 'threads': p['num_threads']}
            for p in threadpool_info()
        ]

    print(json.dumps({
        'library': 'scikit-learn',
        'version': sklearn.__version__,
        'numpy': np.__version__,
        'threadpools': pools,
        't1Ms': times_1,
        'tMMs': times_m,
        'nIter1': int(km_1.n_iter_),
        'nIter': int(km_m.n_iter_),
        'inertia': float(km_m.inertia_),
    }))


if __name__ == '__main__':
    main()
