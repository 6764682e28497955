// The @example blocks of the API reference: each fenced TypeScript block in a src/ doc comment
// is compiled to an ES module and run against the built package (dist/), as a user would run it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const src = path.join(root, 'src');

interface Example {
  where: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The ```ts blocks that follow an @example tag, with the comment's leading stars removed. */
function examplesIn(file: string): Example[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const found: Example[] = [];
  let inExample = false;
  let block: string[] | undefined;
  lines.forEach((line, index) => {
    const text = line.replace(/^\s*\*( |$)/, '');
    if (/^\s*\*\s*@example/.test(line)) inExample = true;
    else if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w/.test(line)) inExample = false;
    if (!inExample) return;
    if (text.startsWith('```') && block === undefined) block = [];
    else if (text.startsWith('```') && block !== undefined) {
      found.push({ where: `${path.relative(root, file)}:${index + 1}`, code: block.join('\n') });
      block = undefined;
    } else block?.push(text);
  });
  return found;
}

const examples = sourceFiles(src).flatMap(examplesIn);

function run(code: string): string {
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return execFileSync(process.execPath, ['--input-type=module', '-e', outputText], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Type errors of every example, each compiled as an ES module that imports the package by name. */
function typeErrors(): string[] {
  const files = new Map(examples.map((example, index) => [path.join(root, `doc-example-${index}.mts`), example.code]));
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, version, ...rest) : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const file = diagnostic.file ? path.basename(diagnostic.file.fileName) : '';
    return `${file}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('doc comment examples', () => {
  it('are found for the main entry points', () => {
    const all = examples.map((example) => example.code).join('\n');
    for (const name of [
      'new KMeans',
      'new MiniBatchKMeans',
      'new BisectingKMeans',
      'kmeansPlusPlus(',
      'vq(',
      'kmeans(',
      'kmeans2(',
      'whiten(',
      'silhouetteScore(',
      'adjustedRandScore(',
      'chooseK(',
      'CsrMatrix',
    ]) {
      expect(all, name).toContain(name);
    }
  });

  it('type-check against the package types', () => {
    expect(typeErrors()).toEqual([]);
  });

  it.each(examples.map((example) => [example.where, example.code]))('%s runs', (_where, code) => {
    expect(() => run(code)).not.toThrow();
  });
});
