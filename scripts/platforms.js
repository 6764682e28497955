'use strict';
// The platform packages: one folder packages/<name>/ each, published as kmeans-native-<name>,
// with the binary for that platform, and named by package.json's optionalDependencies at the
// package's own version. `build` is the command that builds the binary into the folder given
// after it; `buildsOn` is the platform where that command runs (its own, or a cross-compiling host).
// Adding a platform: its folder, an entry here, an optionalDependencies line and its package-lock
// entry (test/package/platform_packages.test.ts checks they agree).
module.exports = [
  { name: 'linux-x64-gnu', build: ['node', 'scripts/build-binary.js'], buildsOn: 'linux-x64-gnu' },
  // Cross-compiled with Debian's aarch64 toolchain (npm run check:arm64 tests it under qemu-user).
  { name: 'linux-arm64-gnu', build: ['node', 'scripts/build-binary.js', '--arch', 'arm64'], buildsOn: 'linux-x64-gnu' },
];
