"""Times scikit-learn's KMeans on a sparse CSR matrix written by bench/sparse.mjs.

The matrix comes as three raw little-endian arrays (indptr and indices int32, data in --dtype),
the initial centers as a raw k x d array in row-major order. After one untimed warm-up fit, each
repeat times a fit with max_iter=1 and one with max_iter=ITERS (tol=0, algorithm='lloyd',
n_init=1); the driver turns the times into a time per iteration. Prints one JSON object on stdout.
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np


def load(path, dtype, count):
    array = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder('<'))
    if array.size != count:
        sys.exit(f'{path}: expected {count} values, found {array.size}')
    return array.astype(dtype, copy=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ('indptr', 'indices', 'data', 'init'):
        parser.add_argument(f'--{name}', required=True, help=f'file holding the {name}')
    parser.add_argument('--rows', type=int, required=True)
    parser.add_argument('--cols', type=int, required=True)
    parser.add_argument('--nnz', type=int, required=True)
    parser.add_argument('--clusters', type=int, required=True)
    parser.add_argument('--dtype', choices=['float64', 'float32'], required=True)
    parser.add_argument('--iters', type=int, default=4)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, required=True)
    args = parser.parse_args()

    import scipy.sparse
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    X = scipy.sparse.csr_matrix(
        (
            load(args.data, args.dtype, args.nnz),
            load(args.indices, 'int32', args.nnz),
            load(args.indptr, 'int32', args.rows + 1),
        ),
        shape=(args.rows, args.cols),
    )
    init = load(args.init, args.dtype, args.clusters * args.cols).reshape(args.clusters, args.cols)

    def fit(max_iter):
        start = time.perf_counter()
        km = KMeans(
            n_clusters=args.clusters, init=init, n_init=1, max_iter=max_iter, tol=0, algorithm='lloyd'
        ).fit(X)
        return (time.perf_counter() - start) * 1e3, km

    warnings.simplefilter('ignore', ConvergenceWarning)
    with threadpool_limits(limits=args.threads):
        fit(1)
        times_1, times_m = [], []
        for _ in range(args.repeats):
            t_1, _ = fit(1)
            t_m, km = fit(args.iters)
            times_1.append(t_1)
            times_m.append(t_m)

    print(json.dumps({
        'library': 'scikit-learn',
        'version': sklearn.__version__,
        't1Ms': times_1,
        'tMMs': times_m,
        'nIter': int(km.n_iter_),
        'inertia': float(km.inertia_),
    }))


if __name__ == '__main__':
    main()
