"""Times scikit-learn's KMeans on data written by bench/lloyd.mjs.

X and the initial centers are raw little-endian float arrays in row-major order. The script prints a
single JSON object on stdout with the wall-clock times in milliseconds.

--mode iter (Lloyd iterations): for each repeat, one fit with max_iter=1 and one with
max_iter=ITERS, tol=0, algorithm='lloyd', after one untimed warm-up fit; the driver turns the times
into a time per iteration exactly as it does for the other libraries.

--mode fit (convergence): for each repeat, one whole fit (max_iter=MAX_ITER, tol=TOL) per
algorithm in --algorithms, interleaved, after one untimed warm-up fit per algorithm.
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
    parser.add_argument('--mode', choices=['iter', 'fit'], default='iter')
    parser.add_argument('--iters', type=int, default=6, help='iter mode: max_iter of the long fit')
    parser.add_argument('--algorithms', default='lloyd,elkan', help='fit mode: algorithms to time')
    parser.add_argument('--tol', type=float, default=1e-4, help='fit mode: tol')
    parser.add_argument('--max-iter', type=int, default=300, help='fit mode: max_iter')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, required=True)
    args = parser.parse_args()

    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_info, threadpool_limits

    X = load(args.data, args.dtype, args.rows, args.cols)
    init = load(args.init, args.dtype, args.clusters, args.cols)

    def fit(max_iter, tol, algorithm):
        start = time.perf_counter()
        km = KMeans(
            n_clusters=args.clusters,
            init=init,
            n_init=1,
            max_iter=max_iter,
            tol=tol,
            algorithm=algorithm,
        ).fit(X)
        return (time.perf_counter() - start) * 1e3, km

    # Short fits can end with an empty cluster ("Number of distinct clusters ... smaller than
    # n_clusters"); that is part of the algorithm, not a problem with the measurement.
    warnings.simplefilter('ignore', ConvergenceWarning)

    with threadpool_limits(limits=args.threads):
        if args.mode == 'iter':
            result = time_iterations(fit, args.iters, args.repeats)
        else:
            algorithms = [a.strip() for a in args.algorithms.split(',') if a.strip()]
            result = time_fits(fit, algorithms, args.max_iter, args.tol, args.repeats)
        # architecture: the kernel OpenBLAS chose for this CPU (or was told to use by
        # OPENBLAS_CORETYPE); None for the other libraries.
        pools = [
            {
                'api': p['user_api'],
                'library': p['internal_api'],
                'threads': p['num_threads'],
                'architecture': p.get('architecture'),
            }
            for p in threadpool_info()
        ]

    print(json.dumps({
        'library': 'scikit-learn',
        'version': sklearn.__version__,
        'numpy': np.__version__,
        'threadpools': pools,
        **result,
    }))


def time_iterations(fit, iters, repeats):
    """fit(1) and fit(iters) per repeat, with tol=0, after a warm-up (thread pools, page faults)."""
    fit(1, 0, 'lloyd')
    times_1, times_m = [], []
    for _ in range(repeats):
        t_1, km_1 = fit(1, 0, 'lloyd')
        t_m, km_m = fit(iters, 0, 'lloyd')
        times_1.append(t_1)
        times_m.append(t_m)
    return {
        't1Ms': times_1,
        'tMMs': times_m,
        'nIter1': int(km_1.n_iter_),
        'nIter': int(km_m.n_iter_),
        'inertia': float(km_m.inertia_),
    }


def time_fits(fit, algorithms, max_iter, tol, repeats):
    """Whole fits to convergence, one per algorithm and repeat, interleaved, after a warm-up each."""
    for algorithm in algorithms:
        fit(max_iter, tol, algorithm)
    times = {algorithm: [] for algorithm in algorithms}
    last = {}
    for _ in range(repeats):
        for algorithm in algorithms:
            ms, km = fit(max_iter, tol, algorithm)
            times[algorithm].append(ms)
            last[algorithm] = km
    return {
        'fits': [
            {
                'algorithm': algorithm,
                'ms': times[algorithm],
                'nIter': int(last[algorithm].n_iter_),
                'inertia': float(last[algorithm].inertia_),
            }
            for algorithm in algorithms
        ],
    }


if __name__ == '__main__':
    main()
