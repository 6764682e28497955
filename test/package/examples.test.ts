// The examples the README points to run as written and print what it says.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (script: string) =>
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'examples', script)], { encoding: 'utf8' });

describe('examples', () => {
  it('iris demo clusters the bundled data set and summarises it', () => {
    const out = run('iris.mjs');
    expect(out).toMatch(/150 flowers x 4 features, k = 3/);
    expect(out).toMatch(/inertia 78\.85[0-9]/); // iris's two well-known k = 3 optima: 78.851 and 78.856
    expect(out).toMatch(/\b50\s+5\.01\s+3\.43\s+1\.46\s+0\.25\s+50\s+0\s+0\b/); // the setosa cluster
  });

  it("vq example reproduces SciPy's documentation numbers", () => {
    const out = run('vq.mjs');
    expect(out).toContain('codebook [2.45121811, 3.03653641] [0.98872663, 1.31944737], distortion 0.908823496196');
    expect(out).toContain('vq: codes [0, 0, 1, 1, 1, 1, 1, 1, 1]');
    expect(out).toContain('kmeans with 20 restarts: distortion 0.908823496196');
  });

  it("README's main job: the command line clusters iris and draws the plot the README shows", () => {
    const root = path.join(__dirname, '..', '..');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const command = /npm install && npx (kmeans-native fit .+)\n/.exec(readme)![1]!;
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.demo).toBe(command.replace(/^kmeans-native/, 'node bin/kmeans-native.js'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-demo-'));
    try {
      fs.symlinkSync(path.join(root, 'data'), path.join(dir, 'data'));
      const args = command.split(' ').slice(1);
      const out = execFileSync(process.execPath, [path.join(root, 'bin', 'kmeans-native.js'), ...args], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(out).toContain('data/iris.csv: 150 rows × 4 columns');
      expect(out).toMatch(/^\s+\d\s+50\s+5\.0060\s+3\.4280\s+1\.4620\s+0\.2460$/m);
      const plotted = fs.readFileSync(path.join(dir, 'iris-clusters.svg'), 'utf8');
      expect(plotted).toBe(fs.readFileSync(path.join(root, 'docs', 'iris-clusters.svg'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
