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
/**
 * Node options for Swivel's long-running processes (the hub, the simulator): V8's young generation
 * capped at 4 MB a half instead of 16. An idle hub then holds about 82 MB instead of 111, with no
 * measurable cost in CPU or in `swivel analyze` (README, "Start time and memory"). The same flag is in
 * bin/swivel.mjs's first line and the npm scripts, for processes started from a shell.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

export const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
