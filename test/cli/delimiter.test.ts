// --delimiter: CSV and TSV data with another field separator read as the library reads the same
// numbers, in memory, as a stream and from standard input; and the values and formats it refuses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KMeans } from '../../src/index';
import { cliWorkspace, irisFeatures, root } from './cli_helpers';

const { out, cli, readLabels } = cliWorkspace();
const rows = irisFeatures();
const expected = new KMeans({ nClusters: 3, seed: 0 }).fit(rows);

function write(name: string, separator: string, header = true): string {
  const lines = rows.map((row) => row.join(separator));
  if (header) lines.unshift(['a', 'b', 'c', 'd'].join(separator));
  fs.writeFileSync(out(name), `${lines.join('\n')}\n`);
  return out(name);
}

describe('--delimiter', () => {
  it.each([
    ['semicolon', 'semi.csv', ';'],
    [';', 'semi2.csv', ';'],
    ['pipe', 'pipe.txt', '|'],
    ['|', 'pipe2.data', '|'],
    ['tab', 'tabs.csv', '\t'],
    ['\\t', 'tabs2.csv', '\t'],
    [',', 'commas.tsv', ','],
  ])('--delimiter %s reads %s as the library clusters its numbers', (flag, name, separator) => {
    const file = write(name, separator);
    const labels = `${name}.labels.csv`;
    const run = cli(['fit', file, '-k', '3', '--seed', '0', '--delimiter', flag, '--labels', labels]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('150 rows × 4 columns (a, b, c, d)');
    expect(readLabels(out(labels))).toEqual(Array.from(expected.labels));
  });

  it('applies to fit --stream, predict and standard input', () => {
    const file = write('stream.csv', ';', false);
    const fit = cli(['fit', file, '-k', '3', '--seed', '0', '--stream', '--delimiter', ';', '--out', 'semi.json']);
    expect(fit.stderr).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.stdout).toContain('150 rows × 4 columns');
    const predict = cli(['predict', 'semi.json', file, '--delimiter', 'semicolon']);
    expect(predict.code).toBe(0);
    expect(predict.stdout.trim().split('\n')).toHaveLength(151);
    const stdin = cli(
      ['fit', '-', '-k', '3', '--seed', '0', '--delimiter', ';', '--json'],
      fs.readFileSync(file, 'utf8'),
    );
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.stdout).inertia).toBe(expected.inertia);
  });

  it('without it a semicolon file is one column per line: the default is unchanged', () => {
    const run = cli(['fit', write('plain.csv', ';'), '-k', '3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not a number/);
  });

  const svm = path.join(root, 'test', 'fixtures', 'sparse', 'small.svm');
  it.each([
    ['empty', ['--delimiter', ''], /--delimiter must be one character .* \(got ""\)/],
    ['two characters', ['--delimiter', ';;'], /--delimiter must be one character .* \(got ";;"\)/],
    ['a digit', ['--delimiter', '1'], /--delimiter must be one character/],
    ['a letter', ['--delimiter', 'x'], /--delimiter must be one character/],
    ['a point', ['--delimiter', '.'], /--delimiter must be one character/],
    ['a minus', ['--delimiter', '-'], /--delimiter must be one character/],
    ['a quote', ['--delimiter', '"'], /--delimiter must be one character/],
    ['a space', ['--delimiter', ' '], /--delimiter must be one character/],
    ['an unknown name', ['--delimiter', 'colon'], /--delimiter must be one character .* \(got "colon"\)/],
    ['NDJSON', ['--delimiter', ';', '--format', 'ndjson'], /--delimiter applies to CSV and TSV data, not ndjson/],
  ])('refuses %s: exit code 2, one line', (_name, args, message) => {
    const run = cli(['fit', write('bad.csv', ';'), '-k', '3', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['--sql', ['fit', '--sql', 'SELECT 1 AS a', '-k', '1', '--delimiter', ';'], /not --sql/],
    ['a sparse file', ['fit', svm, '-k', '2', '--delimiter', ';'], /--delimiter is not available for sparse data/],
  ])('refuses it with %s', (_name, args, message) => {
    const run = cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
