"""Times scikit-learn's silhouette_score on data written by bench/metrics.mjs.

X is a raw little-endian float64 array in row-major order, the labels raw little-endian int32.
Each repeat times silhouette_score(X, labels) on the whole data. There is no warm-up call: one
call takes seconds, against which imports and first-touch page faults are noise. The script prints one JSON
object on stdout: the times in milliseconds and the score.
"""

import argparse
import json
import sys
import time

import numpy as np


def load(path, dtype, count):
    array = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder('<'))
    if array.size != count:
        sys.exit(f'{path}: expected {count} values, found {array.size}')
    return array.astype(dtype, copy=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', required=True, help='file holding X (n x d, float64)')
    parser.add_argument('--labels', required=True, help='file holding the labels (n, int32)')
    parser.add_argument('--rows', type=int, required=True, help='n')
    parser.add_argument('--cols', type=int, required=True, help='d')
    parser.add_argument('--metric', default='euclidean')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, required=True)
    args = parser.parse_args()

    import sklearn
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    X = load(args.data, 'float64', args.rows * args.cols).reshape(args.rows, args.cols)
    labels = load(args.labels, 'int32', args.rows)

    def timed():
        start = time.perf_counter()
        score = silhouette_score(X, labels, metric=args.metric)
        return (time.perf_counter() - start) * 1e3, float(score)

    with threadpool_limits(limits=args.threads):
        runs = [timed() for _ in range(args.repeats)]

    print(json.dumps({
        'library': 'scikit-learn',
        'version': sklearn.__version__,
        'numpy': np.__version__,
        'ms': [ms for ms, _ in runs],
        'score': runs[-1][1],
    }))


if __name__ == '__main__':
    main()
