/**
 * The kmeans-native command: `fit` clusters a data file (and can save the model, the labels and
 * a plot), `predict` labels a data file with a saved model, `choose-k` scores a range of k. Exit codes: 0 done, 2 bad usage or
 * bad input (one line on stderr naming the file, the place and the problem), 130 interrupted,
 * 1 anything unexpected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AbortError, KMeansError } from '../index';
import { UsageError, parseCommandLine, usage } from './command_line';
import { chooseKCommand } from './choose_k_command';
import { commandHelp, helpCommands } from './command_help';
import { fitCommand, predictCommand } from './commands';
import { DataFileError } from './data_error';
import { inOptionTerms } from './library_errors';

/** Runs the command with `args` (without node and the script) and resolves to its exit code. */
export async function main(args: string[] = process.argv.slice(2)): Promise<number> {
  takeOverProcessOutput();
  try {
    const { values, positionals } = parseCommandLine(args);
    const [command, ...operands] = positionals;
    if (values.help || command === 'help') {
      const topic = command === 'help' ? operands[0] : command;
      if (command === 'help' && topic !== undefined && commandHelp(topic) === undefined) {
        throw new UsageError(`no help on "${topic}": there is help on ${helpCommands.join(', ')}`);
      }
      process.stdout.write((topic !== undefined && commandHelp(topic)) || usage);
      return 0;
    }
    if (values.version) {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (command === 'fit') return await fitCommand(operands, values);
    if (command === 'predict') return await predictCommand(operands, values);
    if (command === 'choose-k') return await chooseKCommand(operands, values);
    throw new UsageError(
      command === undefined
        ? 'no command given: fit, predict or choose-k (see kmeans-native --help)'
        : `unknown command "${command}": fit, predict or choose-k`,
    );
  } catch (error) {
    return report(inOptionTerms(error));
  }
}

let tookOverProcessOutput = false;

/**
 * Warnings (the library's ConvergenceWarning, say) become one "warning:" line each; a closed
 * standard output (`| head`) ends the command quietly, and one that cannot be written (a full
 * disk) with one line and exit code 2, instead of an unhandled stream error. Once per process,
 * however often main runs in it.
 */
function takeOverProcessOutput(): void {
  if (tookOverProcessOutput) return;
  tookOverProcessOutput = true;
  process.removeAllListeners('warning');
  process.on('warning', (warning) => process.stderr.write(`kmeans-native: warning: ${warning.message}\n`));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`kmeans-native: standard output: cannot write it: ${error.message}\n`);
    process.exit(2);
  });
}

function report(error: unknown): number {
  if (error instanceof AbortError) {
    process.stderr.write('kmeans-native: interrupted\n');
    return 130;
  }
  if (error instanceof UsageError || error instanceof DataFileError || error instanceof KMeansError) {
    process.stderr.write(`kmeans-native: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`kmeans-native: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
