// The kmeans-native/clickhouse entry point without a server: it loads with import and require,
// loads without @clickhouse/client and says what to install, takes that package's client (types),
// is not imported by the main entry, and writes every float64 as a literal of the same value.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClickHouseClient as OfficialClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import type { ClickHouseClient, ClickHouseClientLike } from '../../src/clickhouse';
import { distanceArray, explicitTermsLimit, floatLiteral } from '../../src/clickhouse_sql';

const root = path.join(__dirname, '..', '..');

describe('kmeans-native/clickhouse entry point', () => {
  it('works with import and require', () => {
    const script = (load: string) =>
      `${load}; const s = clickhouseSource({ client: { query() {}, command() {} }, table: 'db.t', columns: ['a'] }); console.log(typeof s.pushdown.assignPass, typeof clickhouseConnect);`;
    for (const [flags, load] of [
      [['--input-type=module'], "import { clickhouseSource, clickhouseConnect } from 'kmeans-native/clickhouse'"],
      [[], "const { clickhouseSource, clickhouseConnect } = require('kmeans-native/clickhouse')"],
    ] as const) {
      const out = execFileSync(process.execPath, [...flags, '-e', script(load)], { cwd: root, encoding: 'utf8' });
      expect(out.trim()).toBe('function function');
    }
  });

  it('loads without @clickhouse/client, and clickhouseConnect says what to install', () => {
    // A copy of the built package in a folder where module resolution finds no node_modules.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmeans-native-no-clickhouse-'));
    try {
      fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
      const script = `
        const { clickhouseConnect } = require(${JSON.stringify(path.join(dir, 'dist', 'clickhouse.js'))});
        clickhouseConnect({}).then(() => console.log('connected'), (error) =>
          console.log(JSON.stringify({ code: error.code, message: error.message })));`;
      const result = spawnSync(process.execPath, ['-e', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: '' },
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        code: 'ERR_KMEANS_MISSING_DEPENDENCY',
        message:
          'Clustering in ClickHouse requires the optional package @clickhouse/client: npm install @clickhouse/client',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes @clickhouse/client's client (checked by tsc)", () => {
    const asSourceClient = (client: OfficialClient): ClickHouseClientLike => client;
    const asConnected = (client: OfficialClient): ClickHouseClient => client;
    expect([typeof asSourceClient, typeof asConnected]).toEqual(['function', 'function']);
  });

  it('is not imported by the main entry', () => {
    const src = path.join(root, 'src');
    for (const file of fs.readdirSync(src).filter((name) => name.endsWith('.ts') && !name.startsWith('clickhouse'))) {
      expect(fs.readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(
        /(from|import\(|require\()\s*'(@clickhouse\/client|\.\/clickhouse[a-z_]*)'/,
      );
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies?.['@clickhouse/client']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@clickhouse/client']).toEqual({ optional: true });
  });
});

/** A literal as SQL reads it: a number, or a quotient of two (subnormals). */
function readLiteral(literal: string): number {
  const quotient = /^\((\S+) \/ (\S+)\)$/.exec(literal);
  return quotient ? Number(quotient[1]) / Number(quotient[2]) : Number(literal);
}

describe('float literals', () => {
  it('read back as the same number (JavaScript reads ClickHouse float syntax)', () => {
    const values = [
      0,
      -0,
      1,
      -3,
      0.1,
      1 / 3,
      1e21,
      1e-7,
      1.7976931348623157e308,
      2.2250738585072014e-308,
      5e-324,
      -1e-310,
    ];
    for (const value of values) {
      const literal = floatLiteral(value);
      expect(literal).toMatch(/[.e]/);
      expect(Object.is(readLiteral(literal), value), literal).toBe(true);
    }
    expect(distanceArray(['x', 'y'], [1, 2, -3, 0.5], 2)).toBe(
      '[((x - 1.0) * (x - 1.0) + (y - 2.0) * (y - 2.0)), ((x - -3.0) * (x - -3.0) + (y - 0.5) * (y - 0.5))]',
    );
    // Beyond explicitTermsLimit terms: a lambda over the centers' literal, the columns read outside it.
    const k = explicitTermsLimit + 1;
    expect(distanceArray(['x'], new Float64Array(k).fill(1), k)).toBe(
      `arrayMap((c, p) -> arraySum(arrayMap((a, b) -> (a - b) * (a - b), c, p)), [${Array(k).fill('[1.0]').join(', ')}], arrayResize([[x]], ${k}, [x]))`,
    );
    expect(() => floatLiteral(NaN)).toThrow(expect.objectContaining({ code: 'ERR_KMEANS_NON_FINITE' }) as Error);
  });
});
