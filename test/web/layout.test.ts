import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The dashboard's layout rules (docs/web.md), checked on the source. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = join(ROOT, 'web', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, re-exported or dynamic), resolved to a path from the project root. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return found.map((m) => m[1] ?? m[2] ?? m[3]!).map((spec) => (spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : spec));
}

const files = sources(WEB);

describe('the dashboard source', () => {
  it('imports only hub/protocol from the hub', () => {
    expect(files.flatMap(imports).filter((path) => path.startsWith('hub/protocol/')).length).toBeGreaterThan(20);
    const wrong = files.flatMap((file) => imports(file).filter((path) => path.startsWith('hub/') && !path.startsWith('hub/protocol/')).map((path) => `${relative(ROOT, file)} → ${path}`));
    expect(wrong).toEqual([]);
  });

  it('keeps the view model pure: it imports only itself and hub/protocol (no Lit, no DOM-bound modules)', () => {
    const model = files.filter((file) => file.startsWith(join(WEB, 'view-model')));
    expect(model.length).toBeGreaterThan(5);
    const wrong = model.flatMap((file) => imports(file).filter((path) => !path.startsWith('web/src/view-model/') && !path.startsWith('hub/protocol/')).map((path) => `${relative(ROOT, file)} → ${path}`));
    expect(wrong).toEqual([]);
  });

  it('has no file over 300 lines', () => {
    const long = files.map((file) => [relative(ROOT, file), readFileSync(file, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});
