// What the command-line tests share: the built bin, the bundled iris file, and a temporary
// working folder (removed after the file's tests) in which `cli` runs the command.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect } from 'vitest';

export const root = path.join(__dirname, '..', '..');
export const bin = path.join(root, 'bin', 'kmeans-native.js');
export const iris = path.join(root, 'data', 'iris.csv');

export function irisFeatures(): number[][] {
  const [, ...lines] = fs.readFileSync(iris, 'utf8').trim().split('\n');
  return lines.map((line) => line.split(',').slice(0, 4).map(Number));
}

/** A temporary folder for one test file, with the command run in it. */
export function cliWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = (name: string) => path.join(dir, name);
  return {
    dir,
    out,
    cli(args: string[], input?: string) {
      const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', input });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    readLabels(file: string): number[] {
      const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(header).toBe('cluster');
      return lines.map(Number);
    },
    writeCsv(name: string, rows: number[][]): string {
      fs.writeFileSync(out(name), rows.map((row) => row.join(',')).join('\n') + '\n');
      return out(name);
    },
  };
}
