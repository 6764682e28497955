import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The JSON report lets .ci/run print one "N passed, M failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
