'use strict';
// Preloaded by node.sh (in the arm64 node under qemu) and by check-arm64.sh (in vitest's x64 main
// process). qemu-user runs only the process it starts: an arm64 binary that process starts is
// handed to the host kernel, which cannot run it. So `process.execPath`, which child_process.fork
// and the tests that start node use, names node.sh instead: every node started from here is the
// arm64 one under qemu.
const path = require('node:path');

process.execPath = path.join(__dirname, 'node.sh');
