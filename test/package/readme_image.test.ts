// The README's picture must show on the registry's package page, which renders README.md from
// the tarball with no repository to resolve a relative path against. So the picture is linked
// from the package's own published files on the jsDelivr npm CDN, pinned to this version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
};
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');

describe('README images', () => {
  it('has at least one image', () => {
    expect(images.length).toBeGreaterThan(0);
  });

  it.each(images)('%s is a file of this very version of the package', (url) => {
    const prefix = `https://cdn.jsdelivr.net/npm/${manifest.name}@${manifest.version}/`;
    expect(url.startsWith(prefix), `${url} should start with ${prefix}`).toBe(true);
    const file = url.slice(prefix.length);
    expect(manifest.files).toContain(file);
    expect(fs.existsSync(path.join(root, file))).toBe(true);
  });
});
