'use strict';
// Writes the ES module entries (dist/index.mjs, dist/vq.mjs, dist/duckdb.mjs,
// dist/clickhouse.mjs, dist/metrics.mjs): each re-exports its CommonJS
// build by name, so `import { KMeans } from 'kmeans-native'` and `require('kmeans-native')`
// share one instance. Each gets a .d.mts beside it, so TypeScript reads the import side as
// an ES module (its .d.ts alone would describe CommonJS).
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
for (const entry of ['index', 'vq', 'duckdb', 'clickhouse', 'metrics']) {
  const names = Object.keys(require(path.join(dist, `${entry}.js`))).filter((name) => name !== '__esModule');
  const source =
    `import cjs from './${entry}.js';\n\n` +
    names.map((name) => `export const ${name} = cjs.${name};`).join('\n') +
    '\nexport default cjs;\n';
  fs.writeFileSync(path.join(dist, `${entry}.mjs`), source);
  const types = `import * as cjs from './${entry}.js';\n\nexport * from './${entry}.js';\nexport default cjs;\n`;
  fs.writeFileSync(path.join(dist, `${entry}.d.mts`), types);
}
