/**
 * A progress line on stderr for long fits: a bar, the run, the iteration and the inertia.
 * On a terminal it is redrawn in place and appears only once a fit has run for a moment; on a
 * terminal without escape codes (NO_COLOR, TERM=dumb) it writes a line a second after that
 * moment; elsewhere (when asked for with --progress) a line per report, at most 5 a second.
 */
import type { FitProgress } from '../index';
import type { ProgressMode } from './command_line';

export interface ProgressSettings {
  runs: number;
  maxIter: number;
  /** The squared center shift at which a run has converged (tol × mean variance), 0 if unknown. */
  shiftTolerance: number;
  mode: ProgressMode;
}

const barWidth = 16;
const terminalDelayMs = 250;

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private runStartShift = NaN;
  private currentRun = 0;
  private runFraction = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly settings: ProgressSettings,
  ) {}

  update(progress: FitProgress): void {
    if (this.settings.mode === 'off') return;
    this.track(progress);
    const now = Date.now();
    if (this.settings.mode === 'terminal') {
      if (now - this.started < terminalDelayMs || now - this.lastDraw < 80) return;
      // Cut to the terminal's width: a wrapped line could not be redrawn in place.
      const columns = (this.stream as NodeJS.WriteStream).columns ?? 80;
      this.stream.write(`\r${this.line(progress).slice(0, columns - 1)}\x1b[K`);
      this.drawn = true;
    } else if (this.settings.mode === 'plain') {
      if (now - this.started < terminalDelayMs || now - this.lastDraw < 1000) return;
      this.stream.write(`${this.line(progress)}\n`);
    } else {
      if (this.lastDraw !== 0 && now - this.lastDraw < 200) return;
      this.stream.write(`${this.line(progress)}\n`);
    }
    this.lastDraw = now;
  }

  /** Clears the terminal line, leaving the screen as it was. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  /**
   * How far the current run is: the larger of iterations used and, on a log scale, how far the
   * center shift has come down from its first value towards the tolerance.
   */
  private track({ run, iteration, centerShift }: FitProgress): void {
    if (run !== this.currentRun) {
      this.currentRun = run;
      this.runStartShift = centerShift;
      this.runFraction = 0;
    }
    let fraction = iteration / this.settings.maxIter;
    const { shiftTolerance } = this.settings;
    if (shiftTolerance > 0 && this.runStartShift > shiftTolerance && centerShift > 0) {
      fraction = Math.max(
        fraction,
        Math.log(this.runStartShift / centerShift) / Math.log(this.runStartShift / shiftTolerance),
      );
    }
    this.runFraction = Math.min(1, Math.max(this.runFraction, fraction));
  }

  private line({ run, iteration, inertia, centerShift }: FitProgress): string {
    const { runs } = this.settings;
    const done = Math.min(1, (run - 1 + this.runFraction) / runs);
    const filled = Math.round(done * barWidth);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
    const runText = runs > 1 ? `run ${run}/${runs}  ` : '';
    return `${bar} ${runText}iteration ${iteration}  inertia ${inertia.toPrecision(7)}  shift ${centerShift.toExponential(2)}`;
  }
}
