import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the project lives: the nearest folder above this module with the package.json. (From the
 * sources that is one up from hub/; from the built commands in dist/cli/<key>/, three.)
 */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Swivel project (package.json) above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** Where the project lives, and what it is: needed by the hub and by the CLI before anything heavy loads. */
export const PROJECT_ROOT = projectRoot();
export const DEFAULT_WEB_ROOT = join(PROJECT_ROOT, 'dist', 'web');
export const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
