'use strict';
// Writes dist/index.mjs, the ES module entry: it re-exports the CommonJS build by name, so
// `import { KMeans } from 'kmeans-native'` and `require('kmeans-native')` share one instance.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const names = Object.keys(require(path.join(dist, 'index.js'))).filter((name) => name !== '__esModule');
const source =
  "import cjs from './index.js';\n\n" +
  names.map((name) => `export const ${name} = cjs.${name};`).join('\n') +
  '\nexport default cjs;\n';
fs.writeFileSync(path.join(dist, 'index.mjs'), source);
