"""Times scikit-learn's MiniBatchKMeans (and KMeans) on data written by bench/minibatch.mjs.

X is a raw little-endian float array in row-major order. For each seed in 0..REPEATS-1, one
MiniBatchKMeans fit (k-means++, n_init=1, the given batch size, scikit-learn's other defaults)
and, unless --no-kmeans, one KMeans fit (k-means++, n_init=1). Prints one JSON object on
stdout: wall-clock milliseconds and final inertia of each fit.
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', required=True)
    parser.add_argument('--rows', type=int, required=True)
    parser.add_argument('--cols', type=int, required=True)
    parser.add_argument('--clusters', type=int, required=True)
    parser.add_argument('--dtype', choices=['float64', 'float32'], required=True)
    parser.add_argument('--batch-size', type=int, default=1024)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, required=True)
    parser.add_argument('--no-kmeans', action='store_true')
    args = parser.parse_args()

    import sklearn
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    X = np.fromfile(args.data, dtype=np.dtype(args.dtype).newbyteorder('<'))
    if X.size != args.rows * args.cols:
        sys.exit(f'{args.data}: expected {args.rows * args.cols} values, found {X.size}')
    X = X.astype(args.dtype, copy=False).reshape(args.rows, args.cols)
    warnings.simplefilter('ignore')
    out = {'version': sklearn.__version__, 'minibatch': [], 'kmeans': []}
    with threadpool_limits(limits=args.threads):
        for seed in range(args.repeats):
            start = time.perf_counter()
            model = MiniBatchKMeans(n_clusters=args.clusters, batch_size=args.batch_size, n_init=1, random_state=seed).fit(X)
            out['minibatch'].append({'ms': (time.perf_counter() - start) * 1000, 'inertia': float(model.inertia_), 'steps': int(model.n_steps_)})
            if not args.no_kmeans:
                start = time.perf_counter()
                model = KMeans(n_clusters=args.clusters, n_init=1, random_state=seed).fit(X)
                out['kmeans'].append({'ms': (time.perf_counter() - start) * 1000, 'inertia': float(model.inertia_), 'iters': int(model.n_iter_)})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
