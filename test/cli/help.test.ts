// Each command's own --help: its usage, only its options (taken from the general help) and a few
// examples, exit code 0; the general --help as before.
import { describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/command_line';
import { cliWorkspace } from './cli_helpers';

const { cli } = cliWorkspace();

function help(args: string[]): string {
  const run = cli(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

describe('per-command --help', () => {
  it('fit --help: its usage, the reading, sparse, fit and output options, and examples', () => {
    const text = help(['fit', '--help']);
    expect(text).toMatch(/^Usage:\n {2}kmeans-native fit DATA /);
    for (const flag of [
      '--columns',
      '--delimiter',
      '--zero-based',
      '-k, --clusters',
      '--stream',
      '--batch-size',
      '--json',
    ])
      expect(text).toContain(`  ${flag}`);
    expect(text).not.toContain('kmeans-native predict MODEL');
    expect(text).not.toContain('--gap');
    const examples = text.split('Examples:\n')[1]!.trimEnd().split('\n');
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    for (const example of examples) expect(example).toMatch(/^ {2}kmeans-native fit /);
  });

  it('predict --help: its usage and options, none of fit', () => {
    const text = help(['predict', '-h']);
    expect(text).toMatch(/^Usage:\n {2}kmeans-native predict MODEL DATA /);
    expect(text).toContain('  --labels FILE');
    expect(text).not.toContain('--clusters');
    expect(text).not.toContain('--max-iter');
    expect(text).toMatch(/Examples:\n( {2}kmeans-native predict .*\n){2,3}$/);
  });

  it("choose-k --help: its range and fit's options for every k, nothing it refuses", () => {
    const text = help(['choose-k', '--help']);
    expect(text).toMatch(/^Usage:\n {2}kmeans-native choose-k DATA --k 2\.\.12 /);
    for (const flag of ['--k A..B', '--gap', '--n-init', '--metric', '--columns', '--progress'])
      expect(text).toContain(`  ${flag}`);
    for (const flag of ['--out', '--labels', '--stream', '--mini-batch', '--batch-size', '--zero-based'])
      expect(text).not.toContain(`  ${flag} `);
    // --plot and --json once each: choose-k's, not fit's
    expect(text.match(/^ {2}--plot /gm)).toHaveLength(1);
    expect(text.match(/^ {2}--json /gm)).toHaveLength(1);
    expect(text).toMatch(/Examples:\n( {2}kmeans-native choose-k .*\n){2,3}$/);
  });

  it('help COMMAND is the same; an unknown one is exit code 2', () => {
    expect(help(['help', 'fit'])).toBe(help(['fit', '--help']));
    const run = cli(['help', 'fitt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('kmeans-native: no help on "fitt": there is help on fit, predict, choose-k\n');
  });

  it('the general --help stays, and names the per-command help', () => {
    expect(help(['--help'])).toBe(usage);
    expect(help(['help'])).toBe(usage);
    expect(usage).toContain('kmeans-native COMMAND --help');
  });
});
