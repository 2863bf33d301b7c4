import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, importCircles, importsOf, sourcesUnder } from './support/imports.ts';

/** The boundaries the data's path depends on (README, "How it fits together"), checked on the source. */
describe('the hub and the simulator keep their boundaries', () => {
  const hub = sourcesUnder('hub');

  it('has no import circles in hub/', () => {
    expect(hub.length).toBeGreaterThan(40);
    expect(importCircles(hub).map((chain) => chain.join(' → '))).toEqual([]);
  });

  it('finds a circle when there is one (the check can fail)', () => {
    const dir = join(ROOT, 'test-output', 'import-circle');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = () => b;\n");
    writeFileSync(join(dir, 'b.ts'), "export const b = async () => (await import('./a.ts')).a;\n");
    expect(importCircles(sourcesUnder('test-output/import-circle'))).toEqual([['test-output/import-circle/a.ts', 'test-output/import-circle/b.ts', 'test-output/import-circle/a.ts']]);
  });

  it('keeps the signal maths free of transport, storage and screen code', () => {
    const allowed = (path: string) => path.startsWith('hub/pipeline/') || path.startsWith('hub/protocol/') || path === 'rxjs';
    const wrong = sourcesUnder('hub/pipeline').flatMap((file) => importsOf(file).filter((path) => !allowed(path)).map((path) => `${file} → ${path}`));
    expect(wrong).toEqual([]);
  });

  it('lets the simulator share only the protocol module with the hub (never its estimator)', () => {
    const wrong = sourcesUnder('firmware-sim').flatMap((file) => importsOf(file).filter((path) => path.startsWith('hub/') && !path.startsWith('hub/protocol/')).map((path) => `${file} → ${path}`));
    expect(wrong).toEqual([]);
  });
});
