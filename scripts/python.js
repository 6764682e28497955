'use strict';
// Finds a Python interpreter that can import the reference libraries (scikit-learn, SciPy).
// Order: $PYTHON, the system interpreter /usr/bin/python3 (where Debian's python3-sklearn lands),
// then python3 on PATH. Used by the fixture generator and the benchmarks, never at run or test time.
const { spawnSync } = require('node:child_process');

function canImport(python, modules) {
  const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return probe.status === 0;
}

function findPython(modules = ['sklearn']) {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const python of candidates) {
    if (canImport(python, modules)) return python;
  }
  return null;
}

module.exports = { findPython };

if (require.main === module) {
  // CLI: node scripts/python.js script.py [args...] runs the script with the interpreter found.
  const python = findPython();
  if (!python) {
    console.error('No Python with scikit-learn found. Set PYTHON, or install it: apt-get install -y python3-sklearn');
    process.exit(1);
  }
  const run = spawnSync(python, process.argv.slice(2), { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
