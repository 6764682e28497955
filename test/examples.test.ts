// The examples the README points to run as written and print what it says.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (script: string) =>
  execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', script)], { encoding: 'utf8' });

describe('examples', () => {
  it('iris demo clusters the bundled data set and summarises it', () => {
    const out = run('iris.mjs');
    expect(out).toMatch(/150 flowers x 4 features, k = 3/);
    expect(out).toMatch(/inertia 78\.85[0-9]/);  // iris's two well-known k = 3 optima: 78.851 and 78.856
    expect(out).toMatch(/\b50\s+5\.01\s+3\.43\s+1\.46\s+0\.25\s+50\s+0\s+0\b/);  // the setosa cluster
  });

  it("vq example reproduces SciPy's documentation numbers", () => {
    const out = run('vq.mjs');
    expect(out).toContain('codebook [2.45121811, 3.03653641] [0.98872663, 1.31944737], distortion 0.908823496196');
    expect(out).toContain('vq: codes [0, 0, 1, 1, 1, 1, 1, 1, 1]');
    expect(out).toContain('kmeans with 20 restarts: distortion 0.908823496196');
  });
});
