// The kmeans-native command's plot, whose projection must be scikit-learn's PCA, the edges of its
// command line, and main run in process.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError, integerOption, parseCommandLine } from '../../src/cli/command_line';
import { main } from '../../src/cli/main';
import { principalAxes } from '../../src/cli/principal_axes';
import { blobs } from '../helpers';
import { bin, cliWorkspace, iris, irisFeatures } from './cli_helpers';

const { dir, out, cli, readLabels, writeCsv } = cliWorkspace();

describe('the plot', () => {
  const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pca_iris.json'), 'utf8'));

  it("projects on scikit-learn's first two principal components", () => {
    const X = irisFeatures().flat();
    const { mean, axes, explained } = principalAxes(Float64Array.from(X), 150, 4);
    for (let j = 0; j < 4; j++) expect(mean[j]).toBeCloseTo(reference.mean[j], 12);
    for (const c of [0, 1]) {
      const expected: number[] = reference.components[c];
      const sign = Math.sign(expected.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a)));
      expected.forEach((value, j) => expect(axes[c]![j]).toBeCloseTo(sign * value, 10));
      expect(explained[c]).toBeCloseTo(reference.explainedVarianceRatio[c], 12);
    }
  });

  it("finds scikit-learn's axes with more features than its block of 8 (the iterative path)", () => {
    const wide = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cli', 'pca_wide.json'), 'utf8'));
    const X = new Float64Array(500 * 20);
    for (let i = 0; i < 500; i++) {
      for (let j = 0; j < 20; j++)
        X[i * 20 + j] = (Math.sin(0.37 * i * (j + 1) + j) * (j + 1)) / 3 + ((i * 7 + j * 3) % 11) / 5;
    }
    const { axes, explained } = principalAxes(X, 500, 20);
    for (const c of [0, 1]) {
      expect(explained[c]).toBeCloseTo(wide.explainedVarianceRatio[c], 9);
      const expected: number[] = wide.components[c];
      const dot = expected.reduce((sum, value, j) => sum + value * axes[c]![j]!, 0);
      expected.forEach((value, j) => expect(Math.abs(axes[c]![j]! - Math.sign(dot) * value)).toBeLessThan(1e-4));
    }
  });

  it("draws every point where scikit-learn's PCA puts it, in its cluster's color, with centers and a legend", () => {
    cli([
      'fit',
      iris,
      '-k',
      '3',
      '--columns',
      '1-4',
      '--seed',
      '0',
      '--labels',
      'plot-labels.csv',
      '--plot',
      'plot.svg',
      '-q',
    ]);
    const svg = fs.readFileSync(out('plot.svg'), 'utf8');
    const labels = readLabels(out('plot-labels.csv'));
    const points = /<g fill-opacity="0.72">([\s\S]*?)<\/g>/.exec(svg)![1]!;
    const circles = [...points.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)" r="[\d.]+" fill="([^"]+)"\/>/g)].map(
      (m) => ({ x: Number(m[1]), y: Number(m[2]), color: m[3] }),
    );
    expect(circles).toHaveLength(150);
    // Pixel coordinates are an affine map of the PCA coordinates, up to a sign per axis.
    const pca: number[][] = reference.projection;
    for (const axis of [0, 1] as const) {
      const pixel = circles.map((c) => (axis === 0 ? c.x : c.y));
      const [i, j] = [0, 100];
      const scale = (pixel[j]! - pixel[i]!) / (pca[j]![axis]! - pca[i]![axis]!);
      pca.forEach((row, r) =>
        expect(Math.abs(pixel[r]! - (pixel[i]! + scale * (row[axis]! - pca[i]![axis]!)))).toBeLessThan(0.11),
      );
    }
    // One color per cluster.
    const colorOf = new Map<number, string>();
    labels.forEach((label, r) => {
      if (!colorOf.has(label)) colorOf.set(label, circles[r]!.color!);
      expect(circles[r]!.color).toBe(colorOf.get(label));
    });
    expect(new Set(colorOf.values()).size).toBe(3);
    // Three center markers in those colors, the legend with sizes, and the axes' explained variance.
    const markers = [...svg.matchAll(/<path d="M[^"]+" fill="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(markers.slice(0, 3).sort()).toEqual([...colorOf.values()].sort());
    for (const [label, color] of colorOf) {
      const size = labels.filter((l) => l === label).length;
      expect(svg).toContain(`fill="${color}"/>\n<text x="726" y="${98 + 19 * label}">${label} (${size})</text>`);
    }
    expect(svg).toContain('principal component 1 (92.5% of the variance)');
    expect(svg).toContain('principal component 2 (5.3% of the variance)');
  });

  it('draws two features as they are, and at most 10,000 points of a large data set', () => {
    const X = blobs(25_000, 2, 5, 9);
    const csv = writeCsv('large.csv', X);
    expect(cli(['fit', csv, '-k', '5', '--seed', '1', '--plot', 'large.svg', '-q']).code).toBe(0);
    const svg = fs.readFileSync(out('large.svg'), 'utf8');
    const points = /<g fill-opacity="0.72">([\s\S]*?)<\/g>/.exec(svg)![1]!;
    const count = (points.match(/<circle cx/g) ?? []).length;
    expect(count).toBe(10_000);
    expect(svg).toContain(`${count.toLocaleString('en-US')} of 25,000 points shown`);
    expect(svg).toContain('>feature 1</text>');
  });
});

describe('edges of the command line', () => {
  it('predict reads standard input, taking all columns when it has no header', () => {
    fs.writeFileSync(out('ab.csv'), 'a,b\n0,0\n0,1\n10,10\n10,11\n');
    expect(
      cli(['fit', 'ab.csv', '-k', '2', '--seed', '1', '--out', 'ab.json', '--labels', 'ab-labels.csv', '-q']).code,
    ).toBe(0);
    const run = cli(['predict', 'ab.json', '-'], '0,0\n0,1\n10,10\n10,11\n');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(fs.readFileSync(out('ab-labels.csv'), 'utf8'));
  });

  it('values whose squared distances would overflow are refused, naming the line', () => {
    fs.writeFileSync(out('huge.csv'), 'a,b,c\n1,2,3\n4,5,1e200\n7,8,9\n');
    const run = cli(['fit', 'huge.csv', '-k', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'kmeans-native: huge.csv, line 3, column 3: 1e+200 is too large: sums of squared distances would overflow float64 (|values| must stay below 2.23e+153 with 3 rows and 3 columns); scale the data down\n',
    );
    fs.writeFileSync(out('big32.csv'), '1,2\n3,1e30\n');
    expect(cli(['fit', 'big32.csv', '-k', '2', '--float32', '-q']).code).toBe(0); // float32 distances are re-checked in double
  });

  it("too few rows for k, and zero rows with --metric cosine, are named in the command's terms", () => {
    fs.writeFileSync(out('five.csv'), '1\n2\n3\n4\n0\n');
    expect(cli(['fit', 'five.csv']).stderr).toBe(
      'kmeans-native: five.csv: it has 5 rows, fewer than the 8 clusters asked for (-k)\n',
    );
    expect(cli(['fit', 'five.csv', '-k', '2', '--metric', 'cosine']).stderr).toBe(
      'kmeans-native: five.csv, line 5: the row is all zeros, which has no direction for --metric cosine\n',
    );
  });

  it('a warning is one line, and the fit goes on', () => {
    fs.writeFileSync(out('same.csv'), '1,1\n1,1\n1,1\n1,1\n');
    const run = cli(['fit', 'same.csv', '-k', '3', '--labels', 'same-labels.csv', '-q']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^kmeans-native: warning: [^\n]*3[^\n]*\n$/);
  });

  it('outputs are checked before the fit: nothing is written when one cannot be', () => {
    const run = cli(['fit', iris, '--columns', '1-4', '-k', '3', '--out', 'early.json', '--plot', 'missing-dir/p.svg']);
    expect(run.stderr).toBe('kmeans-native: missing-dir/p.svg: cannot write it: its folder does not exist\n');
    expect(fs.existsSync(out('early.json'))).toBe(false);
    fs.copyFileSync(iris, out('own.csv'));
    expect(cli(['fit', 'own.csv', '--columns', '1-4', '--labels', `${dir}/own.csv`]).stderr).toBe(
      `kmeans-native: --labels ${dir}/own.csv would overwrite the input own.csv\n`,
    );
    expect(cli(['fit', iris, '--columns', '1-4', '--labels', 'x.csv', '--plot', 'x.csv']).stderr).toBe(
      'kmeans-native: --plot x.csv would overwrite --labels x.csv\n',
    );
    expect(cli(['fit', iris, '--columns', '1-4', '--labels', '-', '--out', '-']).stderr).toBe(
      'kmeans-native: only one output can be "-" (standard output)\n',
    );
  });

  it('--labels - writes the labels to standard output, without the summary', () => {
    const run = cli(['fit', iris, '--columns', '1-4', '-k', '3', '--seed', '0', '--labels', '-']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual(['cluster', expect.stringMatching(/^\d$/)]);
    expect(run.stdout.trim().split('\n')).toHaveLength(151);
  });

  it('a reader that stops early (| head) ends the command quietly', async () => {
    const rows = blobs(200_000, 2, 3, 1);
    writeCsv('many.csv', rows);
    cli(['fit', 'many.csv', '-k', '3', '--seed', '1', '--out', 'many.json', '-q']);
    const child = spawn(process.execPath, [bin, 'predict', 'many.json', 'many.csv'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a full disk on standard output is one line and exit code 2', () => {
    if (!fs.existsSync('/dev/full')) return;
    const full = fs.openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [bin, 'fit', iris, '--columns', '1-4', '-k', '3'], {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      });
      expect(result.stderr).toMatch(/^kmeans-native: standard output: cannot write it: .*ENOSPC.*\n$/);
      expect(result.status).toBe(2);
    } finally {
      fs.closeSync(full);
    }
  });
});

describe('the plot on awkward data', () => {
  it('identical rows: no direction is made up from rounding', () => {
    const X = Float64Array.from({ length: 21 }, (_, i) => [0.1, 0.7, 0.3][i % 3]!);
    const { axes, explained } = principalAxes(X, 7, 3);
    expect(explained).toEqual([0, 0]);
    expect([...axes[0], ...axes[1]].every((v) => v === 0)).toBe(true);
  });

  it('column names with control characters still make valid XML', () => {
    fs.writeFileSync(out('control.csv'), 'a\u0001b,c\u0000\n1,2\n3,4\n5,7\n');
    expect(cli(['fit', 'control.csv', '-k', '2', '--plot', 'control.svg', '-q']).code).toBe(0);
    const svg = fs.readFileSync(out('control.svg'), 'utf8');
    // eslint-disable-next-line no-control-regex -- control characters are what it matches
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(svg).toContain('>a\ufffdb</text>');
  });
});

describe('main in process', () => {
  it('an argument holding a line break still gives a one-line message', () => {
    const { values } = parseCommandLine(['fit', 'data.csv', '-k', '3\n4']);
    expect(() => integerOption(values, 'clusters')).toThrow(UsageError);
    expect(() => integerOption(values, 'clusters')).toThrow(/^-k must be a whole number \(got "3\ufffd4"\)$/);
    // Unicode's line and paragraph separators, and NEL, break lines too.
    const { values: more } = parseCommandLine(['fit', 'data.csv', '-k', '3\u20284\u2029\u0085']);
    expect(() => integerOption(more, 'clusters')).toThrow(/^-k must be a whole number \(got "3\ufffd4\ufffd\ufffd"\)$/);
  });

  it('runs any number of times in one process, taking its output over once', async () => {
    const stderr: string[] = [];
    const write = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    try {
      expect(await main(['fit'])).toBe(2);
      const listeners = [process.stdout.listenerCount('error'), process.listenerCount('warning')];
      for (let i = 0; i < 12; i++) expect(await main(['fit'])).toBe(2);
      await new Promise((resolve) => setImmediate(resolve));
      expect([process.stdout.listenerCount('error'), process.listenerCount('warning')]).toEqual(listeners);
    } finally {
      write.mockRestore();
    }
    expect(new Set(stderr)).toEqual(
      new Set(['kmeans-native: fit takes one data file: kmeans-native fit DATA [-k N] [options]\n']),
    );
  });
});
