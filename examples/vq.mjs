// scipy.cluster.vq's documentation example with kmeans-native/vq: whiten the features, refine
// a two-code book with kmeans, assign each observation with vq, then kmeans2 from k-means++.
import { whiten, vq, kmeans, kmeans2 } from 'kmeans-native/vq';

const features = [
  [1.9, 2.3],
  [1.5, 2.5],
  [0.8, 0.6],
  [0.4, 1.8],
  [0.1, 0.1],
  [0.2, 1.8],
  [2.0, 0.5],
  [0.3, 1.5],
  [1.0, 1.0],
];
const rows = ({ data, rows: n, cols }) =>
  Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
const show = (matrix) =>
  rows(matrix)
    .map((row) => `[${row.map((v) => v.toFixed(8)).join(', ')}]`)
    .join(' ');

const whitened = whiten(features);
const [first, , third] = rows(whitened);
const { codebook, distortion } = kmeans(whitened, [first, third]);
console.log(`kmeans from whitened rows 0 and 2: codebook ${show(codebook)}, distortion ${distortion.toFixed(12)}`);

const { code, dist } = vq(whitened, codebook);
console.log(
  `vq: codes [${Array.from(code).join(', ')}], distances [${Array.from(dist, (v) => v.toFixed(4)).join(', ')}]`,
);

const restarts = kmeans(whitened, 2, { iter: 20, seed: 1 });
console.log(`kmeans with 20 restarts: distortion ${restarts.distortion.toFixed(12)}`);

const { centroids, label } = kmeans2(whitened, 2, { minit: '++', seed: 1 });
console.log(`kmeans2 (minit '++'): centroids ${show(centroids)}, labels [${Array.from(label).join(', ')}]`);
