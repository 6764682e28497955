// The library's errors about the data, told in the command's terms: the place in the file from
// the error's details (a line of a text file, a row of a .npy file, a column counted from 1), the
// command's own options, and every other error left as it was.
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../src/cli/data_error';
import { inFileTerms, inOptionTerms } from '../../src/cli/library_errors';
import type { Table } from '../../src/cli/table';
import { KMeans, KMeansError } from '../../src/index';
import { cliWorkspace, iris } from './cli_helpers';

/** A table read from lines 3, 4, 5... of a text file (a header and a blank line before). */
function textTable(rows: number[][]): Table {
  const cols = rows[0]!.length;
  return {
    data: Float64Array.from(rows.flat()),
    rows: rows.length,
    cols,
    columnNames: undefined,
    place: (row) => `line ${row + 3}`,
  };
}

/** What fitting (or predicting on) the table throws. */
function thrown(action: (X: Table) => unknown, table: Table): unknown {
  try {
    action(table);
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const fit = (options: object) => (X: Table) => new KMeans(options).fit(X);

describe('library errors in file terms', () => {
  it('a value too large to square: its line and column (from 1), the limit with the table shape', () => {
    const table = textTable([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 2e200],
    ]);
    const error = inFileTerms(thrown(fit({ nClusters: 1 }), table), { name: 'huge.csv', table, k: 1 });
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).message).toBe(
      'huge.csv, line 5, column 3: 2e+200 is too large: sums of squared distances would overflow float64 (|values| must stay below 2.23e+153 with 3 rows and 3 columns); scale the data down',
    );
  });

  it('a row of a .npy file is named as a row, counted from 1', () => {
    const table = {
      ...textTable([
        [0, 0],
        [1, 1],
        [0, 0],
      ]),
      place: (row: number) => `row ${row + 1}`,
    };
    const error = inFileTerms(thrown(fit({ nClusters: 2, metric: 'cosine' }), table), { name: 'x.npy', table, k: 2 });
    expect((error as DataFileError).message).toBe(
      'x.npy, row 1: the row is all zeros, which has no direction for --metric cosine',
    );
  });

  it("too few rows for -k, and a column count the model was not fitted on, in the command's options", () => {
    const table = textTable([[1], [2]]);
    const tooFew = inFileTerms(thrown(fit({ nClusters: 3 }), table), { name: 'two.csv', table, k: 3 });
    expect((tooFew as DataFileError).message).toBe('two.csv: it has 2 rows, fewer than the 3 clusters asked for (-k)');
    const model = new KMeans({ nClusters: 1 }).fit([[1, 2]]);
    const shape = inFileTerms(
      thrown((X) => model.predict(X), table),
      { name: 'two.csv', table, model: { cols: 2, featureNames: ['a', 'b'] } },
    );
    expect((shape as DataFileError).message).toBe(
      'two.csv: it has 1 feature columns; the model was fitted on 2 (a, b): choose them with --columns',
    );
  });

  it('any other error about a row of X keeps its message, placed in the file', () => {
    const table = textTable([
      [1, 2],
      [3, 4],
    ]);
    const error = new KMeansError(
      'ERR_KMEANS_NON_FINITE',
      'X must contain only finite numbers: row 1, column 0 is NaN',
      {
        details: { argument: 'X', row: 1, column: 0, value: NaN },
      },
    );
    expect((inFileTerms(error, { name: 'a.csv', table }) as DataFileError).message).toBe(
      'a.csv, line 4, column 1: X must contain only finite numbers: row 1, column 0 is NaN',
    );
  });

  it('leaves errors that are not about the table as they are', () => {
    const table = textTable([[1]]);
    const context = { name: 'a.csv', table };
    const centers = new KMeansError('ERR_KMEANS_NON_FINITE', 'clusterCenters ...', {
      details: { argument: 'clusterCenters', row: 0, column: 0 },
    });
    const option = new KMeansError('ERR_KMEANS_INVALID_OPTION', 'tol must be ...');
    const other = new TypeError('not ours');
    for (const error of [centers, option, other]) expect(inFileTerms(error, context)).toBe(error);
  });
});

describe('library errors about options, told by their flags', () => {
  const optionError = (options: object): KMeansError =>
    thrown(() => new KMeans(options), textTable([[1]])) as KMeansError;

  it('names the flag instead of the option, keeping the code and the rest of the message', () => {
    const told = inOptionTerms(optionError({ nInit: 0 })) as KMeansError;
    expect(told).toBeInstanceOf(KMeansError);
    expect(told.code).toBe('ERR_KMEANS_INVALID_OPTION');
    expect(told.message).toBe('--n-init must be "auto" or an integer >= 1 (got 0)');
    expect((inOptionTerms(optionError({ nClusters: 0 })) as Error).message).toBe(
      '-k/--clusters must be an integer >= 1 (got 0)',
    );
  });

  it('takes the option from details.argument where the error has one', () => {
    const error = new KMeansError('ERR_KMEANS_INVALID_OPTION', 'the batch size is too small for nClusters', {
      details: { argument: 'batchSize' },
    });
    expect((inOptionTerms(error) as Error).message).toBe('--batch-size: the batch size is too small for -k/--clusters');
  });

  it('leaves other errors, and options the command line does not set, as they are', () => {
    const unknown = optionError({ mixedPrecision: 'sometimes' });
    const data = new KMeansError('ERR_KMEANS_INVALID_DATA', 'nInit is not about data');
    const other = new TypeError('tol must be a number');
    for (const error of [unknown, data, other]) expect(inOptionTerms(error)).toBe(error);
  });

  const { cli } = cliWorkspace();
  it.each([
    [['-k', '0'], '-k/--clusters must be an integer >= 1 (got 0)'],
    [['--n-init', '0'], '--n-init must be "auto" or an integer >= 1 (got 0)'],
    [['--max-iter', '0'], '--max-iter must be an integer >= 1 (got 0)'],
    [['--threads', '5000'], '--threads must be an integer between 1 and 4096 (got 5000)'],
    [['--tol=-1'], '--tol must be a finite number >= 0 (got -1)'],
    [['--seed', '99999999999999999999'], /^--seed must be an integer between 0 and \d+ \(got 100000000000000000000\)$/],
    [['--algorithm', 'lloid'], '--algorithm must be "lloyd", "elkan", "hamerly" or "auto" (got "lloid")'],
    [['--metric', 'l1'], '--metric must be "euclidean" or "cosine" (got "l1")'],
    [['--mini-batch', '--batch-size', '0'], '--batch-size must be an integer >= 1 (got 0)'],
  ])('fit %j: exit code 2, the flag in the message', (args, message) => {
    const run = cli(['fit', iris, '--columns', '1-4', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const line = run.stderr.replace(/^kmeans-native: /, '').replace(/\n$/, '');
    if (typeof message === 'string') expect(line).toBe(message);
    else expect(line).toMatch(message);
  });

  it('choose-k names its flags too', () => {
    const run = cli(['choose-k', iris, '--columns', '1-4', '--k', '2..3', '--n-init', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^kmeans-native: --n-init must be/);
  });
});
