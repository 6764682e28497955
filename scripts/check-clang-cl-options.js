#!/usr/bin/env node
'use strict';
// Reads the compile commands CMake wrote for a clang-cl build (scripts/check-windows-target.sh
// configures one) and asks clang-cl, with -###, what each one means, on an empty source (the MSVC
// library is not here). Fails when clang-cl warns about an option (it ignores the GCC-style
// options it does not know), or when the options that keep results identical on every platform
// do not reach the compiler: no fused multiply-adds outside the fast distance kernels, and the
// instruction sets of each kernel variant.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const database = process.argv[2];
if (!database) {
  console.error('usage: node scripts/check-clang-cl-options.js <compile_commands.json>');
  process.exit(2);
}
const commands = JSON.parse(fs.readFileSync(database, 'utf8'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kmn-clang-cl-'));
const empty = path.join(scratch, 'empty.cpp');
fs.writeFileSync(empty, '');

/** The words of a command line as CMake writes them (double quotes around words with spaces). */
function words(line) {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2],
  );
}

// The fast distance kernels may fuse (their rounding margins allow for it); nothing else may.
const mayFuse = (file) =>
  (/native\/kernels\/tiles\/[^/]+\.cpp$/.test(file) &&
    !file.endsWith('row_sums.cpp') &&
    !file.endsWith('dispatch.cpp')) ||
  file.endsWith('native/kernels/sparse/row_dots.cpp');
const isaFeatures = { portable: [], avx2: ['+avx2', '+fma'], avx512: ['+avx512f', '+avx2', '+fma'] };

const problems = [];
for (const entry of commands) {
  const file = path.relative(process.cwd(), entry.file);
  const argv = words(entry.command);
  const separator = argv.indexOf('--');
  const options = argv.slice(1, separator < 0 ? -1 : separator).filter((a) => !/^[/-](Fo|Fd)/.test(a));
  const result = spawnSync(argv[0], [...options, '-###', '-c', '--', empty], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  const cc1 = output.split('\n').find((line) => line.includes('"-cc1"')) ?? '';
  for (const line of output.split('\n')) {
    if (/warning:|error:/.test(line)) problems.push(`${file}: ${line.trim()}`);
  }
  if (result.status !== 0 || !cc1) problems.push(`${file}: clang-cl -### failed (${result.status})`);
  const noContraction = cc1.includes('"-ffp-contract=off"');
  if (!mayFuse(file) && !noContraction) problems.push(`${file}: -ffp-contract=off does not reach the compiler`);
  const isa = /-DKMN_ISA=(\w+)/.exec(entry.command)?.[1];
  for (const feature of isa ? isaFeatures[isa] : []) {
    if (!cc1.includes(`"-target-feature" "${feature}"`)) problems.push(`${file} (${isa}): no ${feature}`);
  }
  if (isa === 'avx512' && !cc1.includes('"-mprefer-vector-width=512"')) {
    problems.push(`${file} (avx512): -mprefer-vector-width=512 does not reach the compiler`);
  }
}
fs.rmSync(scratch, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(`check-clang-cl-options: ${problems.length} problems\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-clang-cl-options: ${commands.length} clang-cl command lines, every option understood`);
