// NO_COLOR and TERM=dumb: no ANSI escape codes in any output. The progress line on such a
// terminal is written as plain lines (no carriage-return redraws); checked on the progress bar
// itself and, where the `script` command can give the CLI a terminal, end to end.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Values, plainOutput, progressMode } from '../../src/cli/command_line';
import { ProgressBar, type ProgressSettings } from '../../src/cli/progress_bar';
import { blobs } from '../helpers';
import { bin, cliWorkspace } from './cli_helpers';

const { dir, cli, writeCsv } = cliWorkspace();
const ESC = String.fromCharCode(27);

/** Whether `text` holds an escape code, or a carriage return that is not a line end. */
function hasEscape(text: string): boolean {
  return text.includes(ESC) || /\r(?!\n)/.test(text);
}

/** Whether `text` redraws a line in place: a carriage return and the escape that clears the line. */
function redraws(text: string): boolean {
  return text.includes('\r') && text.includes(`${ESC}[K`);
}

describe('plainOutput and progressMode', () => {
  it('NO_COLOR with any non-empty value, and TERM=dumb, ask for plain output', () => {
    expect(plainOutput({})).toBe(false);
    expect(plainOutput({ NO_COLOR: '' })).toBe(false);
    expect(plainOutput({ TERM: 'xterm-256color' })).toBe(false);
    expect(plainOutput({ NO_COLOR: '1' })).toBe(true);
    expect(plainOutput({ NO_COLOR: 'false' })).toBe(true);
    expect(plainOutput({ TERM: 'dumb' })).toBe(true);
  });

  it('a terminal gets redraws, or plain lines when asked; elsewhere --progress gives lines', () => {
    const none = {} as Values;
    expect(progressMode(none, true, {})).toBe('terminal');
    expect(progressMode(none, true, { TERM: 'dumb' })).toBe('plain');
    expect(progressMode(none, true, { NO_COLOR: 'yes' })).toBe('plain');
    expect(progressMode({ progress: true } as Values, false, { NO_COLOR: '1' })).toBe('lines');
    expect(progressMode(none, false, {})).toBe('off');
    expect(progressMode({ quiet: true } as Values, true, { TERM: 'dumb' })).toBe('off');
  });
});

describe('the progress bar on a plain terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function drive(mode: ProgressSettings['mode']): string {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    let written = '';
    const stream = { write: (text: string) => (written += text), columns: 80 } as unknown as NodeJS.WritableStream;
    const bar = new ProgressBar(stream, { runs: 1, maxIter: 100, shiftTolerance: 0, mode });
    for (let iteration = 1; iteration <= 40; iteration++) {
      vi.setSystemTime(iteration * 100);
      bar.update({ run: 1, iteration, inertia: 1000 / iteration, centerShift: 1 / iteration } as never);
    }
    bar.finish();
    return written;
  }

  it('writes whole lines, about one a second, and no escape codes or carriage returns', () => {
    const written = drive('plain');
    expect(hasEscape(written)).toBe(false);
    const lines = written.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const line of lines) expect(line).toMatch(/^\[[#-]{16}\] iteration \d+ {2}inertia /);
  });

  it('where escape codes are welcome, redraws in place as before', () => {
    expect(redraws(drive('terminal'))).toBe(true);
  });
});

describe('the command with NO_COLOR or TERM=dumb', () => {
  const long = writeCsv('long.csv', blobs(30_000, 8, 40, 5));
  // Long enough (a second or more) for the progress line to appear on a terminal.
  const fit = ['fit', long, '-k', '40', '--tol', '0', '--seed', '2', '--n-init', '30', '--algorithm', 'lloyd'];

  it.each([{ NO_COLOR: '1' }, { TERM: 'dumb' }])('%j: --progress lines and the summary are plain', (env) => {
    const run = spawnSync(process.execPath, [bin, ...fit, '--threads', '1', '--progress'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('iteration');
    expect(hasEscape(run.stderr + run.stdout)).toBe(false);
  });

  const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
  /** The command on a terminal (a pseudo-terminal from `script`), stdout and stderr together. */
  function onTerminal(args: string[], env: NodeJS.ProcessEnv): string {
    const command = [process.execPath, bin, ...args].map((arg) => `'${arg}'`).join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', env });
    expect(run.status).toBe(0);
    return run.stdout;
  }

  it.skipIf(!hasScript).each([{ NO_COLOR: '1', TERM: 'xterm' }, { TERM: 'dumb' }])(
    '%j on a terminal: the progress as plain lines, no escape codes',
    (env) => {
      const base = { ...process.env, NO_COLOR: '' };
      const plain = onTerminal([...fit, '--threads', '1'], { ...base, ...env });
      expect(plain).toContain('iteration');
      expect(hasEscape(plain)).toBe(false);
      const chooseK = onTerminal(['choose-k', long, '--k', '2..3', '--seed', '1'], { ...base, ...env });
      expect(chooseK).toContain('recommended k');
      expect(hasEscape(chooseK)).toBe(false);
    },
  );

  it.skipIf(!hasScript)('without them the terminal still gets its redrawn line', () => {
    const redrawn = onTerminal([...fit, '--threads', '1'], { ...process.env, NO_COLOR: '', TERM: 'xterm' });
    expect(redraws(redrawn)).toBe(true);
  });

  it('--help and errors are plain too', () => {
    expect(hasEscape(cli(['--help']).stdout)).toBe(false);
    expect(hasEscape(cli(['fit', 'missing.csv']).stderr)).toBe(false);
  });
});
