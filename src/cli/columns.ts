/**
 * The --columns option: which columns of a file are the features. A comma-separated list of
 * 1-based column numbers, ranges ("1-4") and, when the file names its columns, names.
 */
export type ColumnSpec = readonly string[];

/** Splits the option's text; the parts are resolved once the file's columns are known. */
export function parseColumnSpec(text: string): ColumnSpec {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new Error(`--columns "${text}" has an empty entry`);
  return parts;
}

/**
 * The 0-based indices `spec` picks among `count` columns named `names` (if known), in the
 * order given. Throws an Error whose message says what is wrong; the caller adds the place.
 */
export function resolveColumns(spec: ColumnSpec | undefined, count: number, names: readonly string[] | undefined): number[] {
  if (spec === undefined) return Array.from({ length: count }, (_, i) => i);
  const picked: number[] = [];
  for (const part of spec) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    const byName = names?.indexOf(part) ?? -1;
    if (byName >= 0) {
      picked.push(byName);
    } else if (range) {
      const first = Number(range[1]);
      const last = range[2] === undefined ? first : Number(range[2]);
      if (first < 1 || last > count || first > last) {
        throw new Error(`--columns ${part} is outside the file's columns 1-${count}`);
      }
      for (let column = first; column <= last; column++) picked.push(column - 1);
    } else {
      throw new Error(
        names === undefined
          ? `--columns "${part}" is not a column number, and the file has no header naming its columns`
          : `no column is named "${part}" (the columns are: ${names.join(', ')})`,
      );
    }
  }
  const repeated = picked.find((column, i) => picked.indexOf(column) !== i);
  if (repeated !== undefined) throw new Error(`--columns names column ${repeated + 1} twice`);
  return picked;
}
