/**
 * Each command's own --help (`kmeans-native fit --help`): its usage line, the sections of the
 * general help that apply to it (only its options, where a section is shared), and examples.
 * The options are taken from the general help text, so the two never disagree.
 */
import { usage } from './command_line';

interface CommandHelp {
  /** The sections of the general help it shows, by the start of their heading; a heading to show instead. */
  sections: (string | [start: string, heading: string])[];
  /** Where given: the only options it shows, by flag, of the sections it shares. */
  only?: string[];
  examples: string[];
}

const shared = ['--algorithm', '--init', '--n-init', '--max-iter', '--tol', '--seed', '--threads', '--metric'];

const commands: Record<string, CommandHelp> = {
  fit: {
    sections: ['Reading data', 'Sparse data', 'fit:', 'Output'],
    examples: [
      'kmeans-native fit data.csv -k 8 --seed 1 --out model.json --labels labels.csv',
      'kmeans-native fit rows.parquet -k 64 --stream --out model.json',
      'kmeans-native fit data.tsv --columns 2-5 -k 4 --json > summary.json',
    ],
  },
  predict: {
    sections: ['Reading data', 'Sparse data', 'Output'],
    examples: [
      'kmeans-native predict model.json data.csv > labels.csv',
      'kmeans-native predict model.json new.csv --labels labels.csv --plot clusters.svg',
      'kmeans-native predict model.json new.csv --labels labels.csv --json',
    ],
  },
  'choose-k': {
    sections: [
      ['Reading data', 'Reading data:'],
      ['choose-k', 'choose-k:'],
      ['fit:', "fit's options, for every k:"],
      ['Output', 'Output:'],
    ],
    only: [
      ...['--sql', '--columns', '--header', '--format', '--delimiter', '--float32'],
      ...[...shared, '--k', '--gap', '--json', '--plot', '--progress', '-q', '-h'],
    ],
    examples: [
      'kmeans-native choose-k data.csv --k 2..12',
      'kmeans-native choose-k data.csv --k 2..8 --gap --seed 1 --plot k.svg',
      'kmeans-native choose-k data.csv --k 2..12 --json > scores.json',
    ],
  },
};

export const helpCommands = Object.keys(commands);

/** The help of `command`, or undefined when it is not a command. */
export function commandHelp(command: string): string | undefined {
  const help = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (help === undefined) return undefined;
  const paragraphs = usage.trimEnd().split('\n\n');
  const synopsis = paragraphs[0]!.split('\n').filter((line) => line.includes(`kmeans-native ${command} `));
  const lines = ['Usage:', ...synopsis, '  (with --sql QUERY instead of DATA: the rows of a DuckDB query)'];
  const seen = new Set<string>();
  for (const section of help.sections) {
    const [start, heading] = typeof section === 'string' ? [section, undefined] : section;
    const paragraph = paragraphs.find((text) => text.startsWith(start));
    if (paragraph === undefined) continue;
    const { title, entries } = sectionLines(paragraph, help.only, seen);
    lines.push('', ...(heading === undefined ? title : [heading]), ...entries);
  }
  lines.push('', 'Examples:', ...help.examples.map((example) => `  ${example}`));
  return `${lines.join('\n')}\n`;
}

/**
 * A section's heading lines and its option entries: only those of `only` when given, and none
 * whose flags an earlier section showed (`seen`).
 */
function sectionLines(paragraph: string, only: string[] | undefined, seen: Set<string>) {
  const all = paragraph.split('\n');
  const headingEnd = all.findIndex((line) => line.endsWith(':')) + 1;
  // An entry is a line indented by two spaces and the lines indented further under it.
  const entries: string[][] = [];
  for (const line of all.slice(headingEnd)) {
    if (/^ {2}\S/.test(line) || entries.length === 0) entries.push([line]);
    else entries[entries.length - 1]!.push(line);
  }
  const kept = entries.filter(([first]) => {
    const flags = flagsOf(first!);
    if (flags.length > 0 && flags.every((flag) => seen.has(flag))) return false;
    return only === undefined || only.some((flag) => flags.includes(flag));
  });
  for (const [first] of kept) for (const flag of flagsOf(first!)) seen.add(flag);
  return { title: all.slice(0, headingEnd), entries: kept.flat() };
}

/** The flags an entry's first line names before its description: "-k, --clusters N" gives -k and --clusters. */
function flagsOf(line: string): string[] {
  const names = line.trim().split(/\s{2,}/)[0]!;
  return [...names.matchAll(/(?:^|[ ,])(--?[a-z][\w-]*)/g)].map((match) => match[1]!);
}
