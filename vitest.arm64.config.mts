// npm run check:arm64: the test workers are arm64 Node.js under qemu-user (scripts/check-arm64.sh),
// many times slower than native, and the arm64 tests (test/arm64) are in.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
