// Clusters the iris measurements (150 flowers, 4 features) into three groups and shows how
// the groups line up with the three species, which the clustering never sees.
import { readFileSync } from 'node:fs';
import { KMeans, info } from 'kmeans-native';

const [header, ...lines] = readFileSync(new URL('../data/iris.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const features = header.split(',').slice(0, 4);
const rows = lines.map((line) => line.split(','));
const X = rows.map((cells) => cells.slice(0, 4).map(Number));
const species = rows.map((cells) => cells[4]);

const km = new KMeans({ nClusters: 3, seed: 0 }).fit(X);

const { simd, maxThreads } = info();
console.log(
  `kmeans-native: ${X.length} flowers x ${features.length} features, k = 3 (${simd} kernels, ${maxThreads} threads)`,
);
console.log(`converged: ${km.converged} after ${km.nIter} iterations, inertia ${km.inertia.toFixed(3)}\n`);

const names = [...new Set(species)];
const pad = (text, width) => String(text).padStart(width);
console.log(['cluster', 'size', ...features, ...names].map((t, i) => pad(t, i < 2 ? 7 : 14)).join(' '));
for (let c = 0; c < 3; c++) {
  const members = species.filter((_, i) => km.labels[i] === c);
  const center = Array.from(km.clusterCenters.data.subarray(c * 4, c * 4 + 4), (v) => v.toFixed(2));
  const counts = names.map((name) => members.filter((s) => s === name).length);
  console.log([c, members.length, ...center, ...counts].map((t, i) => pad(t, i < 2 ? 7 : 14)).join(' '));
}

// Each cluster's majority species counts as "right": how often does the cluster name the species?
let agree = 0;
for (let c = 0; c < 3; c++) {
  const members = species.filter((_, i) => km.labels[i] === c);
  agree += Math.max(...names.map((name) => members.filter((s) => s === name).length));
}
console.log(
  `\n${agree} of ${X.length} flowers (${((100 * agree) / X.length).toFixed(1)}%) fall in the cluster of their species' majority.`,
);
const flower = [6.1, 2.8, 4.7, 1.2];
console.log(`A new flower ${JSON.stringify(flower)} goes to cluster ${km.predict([flower])[0]}.`);
