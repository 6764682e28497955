/**
 * The files a command writes. They are checked before any work starts (a long fit is not
 * wasted on an output that cannot be written, and an input is never overwritten); "-" is
 * standard output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFileError } from './data_error';
import { UsageError } from './command_line';

export interface Output {
  flag: string;
  file: string | undefined;
}

export class Outputs {
  readonly written: string[] = [];

  /** Checks every output against the inputs, each other and the file system. */
  constructor(inputs: string[], outputs: Output[]) {
    const given = outputs.filter((output): output is { flag: string; file: string } => output.file !== undefined);
    if (given.filter((output) => output.file === '-').length > 1)
      throw new UsageError('only one output can be "-" (standard output)');
    const taken = new Map(
      inputs.filter((input) => input !== '-').map((input) => [identity(input), `the input ${input}`]),
    );
    for (const { flag, file } of given) {
      if (file === '-') continue;
      const id = identity(file);
      const clash = taken.get(id);
      if (clash !== undefined) throw new UsageError(`${flag} ${file} would overwrite ${clash}`);
      taken.set(id, `${flag} ${file}`);
      checkWritable(file);
    }
  }

  /** True when some output goes to standard output, which then carries nothing else. */
  static usesStdout(outputs: Output[]): boolean {
    return outputs.some((output) => output.file === '-');
  }

  write(file: string, text: string): void {
    if (file === '-') {
      process.stdout.write(text);
      return;
    }
    try {
      fs.writeFileSync(file, text);
    } catch (error) {
      throw cannotWrite(file, error);
    }
    this.written.push(file);
  }

  /** A file written piece by piece (labels as they are computed); close() counts it as written. */
  open(file: string): OutputStream {
    if (file === '-') {
      return {
        write: (text) =>
          process.stdout.write(text) ? Promise.resolve() : new Promise((done) => process.stdout.once('drain', done)),
        close: () => undefined,
      };
    }
    let fd: number;
    try {
      fd = fs.openSync(file, 'w');
    } catch (error) {
      throw cannotWrite(file, error);
    }
    return {
      write: async (text) => {
        try {
          fs.writeSync(fd, text);
        } catch (error) {
          throw cannotWrite(file, error);
        }
      },
      close: () => {
        fs.closeSync(fd);
        this.written.push(file);
      },
    };
  }
}

export interface OutputStream {
  write(text: string): Promise<void>;
  close(): void;
}

/** The same path for the same file, however it was spelled. */
function identity(file: string): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    return absolute;
  }
}

function checkWritable(file: string): void {
  try {
    const existing = fs.statSync(file, { throwIfNoEntry: false });
    if (existing?.isDirectory()) {
      throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    }
    const folder = path.dirname(path.resolve(file));
    if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
      throw Object.assign(new Error('its folder does not exist'), { code: 'ENOENT' });
    }
    fs.accessSync(existing ? file : folder, fs.constants.W_OK);
  } catch (error) {
    throw cannotWrite(file, error);
  }
}

function cannotWrite(file: string, error: unknown): DataFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new DataFileError(file, undefined, `cannot write it: ${problem}`);
}
