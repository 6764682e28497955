/**
 * Which columns of a file are the features: --columns (a comma-separated list of 1-based column
 * numbers, ranges such as "1-4" and, when the file names its columns, names), or for predict the
 * names the model was fitted on, or else every column.
 */
export type ColumnSpec = readonly string[];

export interface ColumnChoice {
  /** --columns, split. */
  spec?: ColumnSpec;
  /** Without --columns: these names when the file names its columns, else every column. */
  modelNames?: readonly string[];
}

/** Splits the option's text; the parts are resolved once the file's columns are known. */
export function parseColumnSpec(text: string): ColumnSpec {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new Error(`--columns "${text}" has an empty entry`);
  return parts;
}

/**
 * The 0-based indices chosen among `count` columns named `names` (if known), in the order given.
 * `keyed`: the names are JSON object keys, whose order is not the file's, so numbers are refused.
 * Throws an Error whose message says what is wrong; the caller adds the place.
 */
export function resolveColumns(
  choice: ColumnChoice,
  count: number,
  names: readonly string[] | undefined,
  keyed = false,
): number[] {
  let picked: number[];
  if (choice.spec !== undefined) {
    picked = choice.spec.flatMap((part) => resolvePart(part, count, names, keyed));
  } else if (choice.modelNames !== undefined && names !== undefined) {
    picked = choice.modelNames.map((name) => {
      const column = columnNamed(name, names);
      if (column < 0)
        throw new Error(
          `no column is named "${name}" (the columns are: ${names.join(', ')}); the model was fitted on ${choice.modelNames!.join(', ')}`,
        );
      return column;
    });
  } else {
    picked = Array.from({ length: count }, (_, i) => i);
  }
  const repeated = picked.find((column, i) => picked.indexOf(column) !== i);
  if (repeated !== undefined) throw new Error(`--columns names column ${repeated + 1} twice`);
  if (names !== undefined) {
    // The chosen names go into the model file, where they must say which column is which.
    const name = picked.map((column) => names[column]).find((n, i, all) => all.indexOf(n) !== i);
    if (name !== undefined)
      throw new Error(`two chosen columns are named "${name}": choose the features by number with --columns`);
  }
  return picked;
}

function resolvePart(part: string, count: number, names: readonly string[] | undefined, keyed: boolean): number[] {
  const byName = names === undefined ? -1 : columnNamed(part, names);
  const range = /^(\d+)(?:-(\d+))?$/.exec(part);
  if (byName >= 0) {
    if (range && !keyed && range[2] === undefined && Number(part) !== byName + 1 && Number(part) <= count) {
      throw new Error(
        `--columns ${part} is ambiguous: column ${part} is not the column named "${part}" (column ${byName + 1})`,
      );
    }
    return [byName];
  }
  if (range && !keyed) {
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (first < 1 || last > count || first > last)
      throw new Error(`--columns ${part} is outside the file's columns 1-${count}`);
    return Array.from({ length: last - first + 1 }, (_, i) => first - 1 + i);
  }
  if (names === undefined)
    throw new Error(`--columns "${part}" is not a column number, and the file has no header naming its columns`);
  const numbersNote = keyed ? ' (JSON objects are chosen by key, not by number)' : '';
  throw new Error(`no column is named "${part}" (the columns are: ${names.join(', ')})${numbersNote}`);
}

function columnNamed(name: string, names: readonly string[]): number {
  const column = names.indexOf(name);
  if (column >= 0 && names.lastIndexOf(name) !== column) {
    throw new Error(`more than one column is named "${name}": choose by number with --columns`);
  }
  return column;
}
