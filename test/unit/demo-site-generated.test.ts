import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith('.html') ? [p] : [];
  });
}

it('the committed demo pages are exactly what scripts/gen-demo-site.py writes', () => {
  const out = mkdtempSync(join(tmpdir(), 'tailor-site-'));
  try {
    execFileSync('python3', [join(root, 'scripts/gen-demo-site.py'), out], { stdio: 'pipe' });
    const generated = htmlFiles(out).map((p) => relative(out, p)).sort();
    const committed = htmlFiles(join(root, 'demo-site')).map((p) => relative(join(root, 'demo-site'), p)).sort();
    expect(committed).toEqual(generated);
    for (const rel of generated) expect(readFileSync(join(root, 'demo-site', rel), 'utf8'), rel).toBe(readFileSync(join(out, rel), 'utf8'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
