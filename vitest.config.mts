import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The arm64 tests run in arm64 workers under qemu-user (npm run check:arm64, vitest.arm64.config.mts).
    exclude: [...configDefaults.exclude, 'test/arm64/**'],
    testTimeout: 60_000,
    // The JSON report lets .ci/run print one "N passed, M failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
