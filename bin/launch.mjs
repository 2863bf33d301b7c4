// Starts a command from JavaScript built by esbuild, so that `swivel --help` answers at once instead of
// compiling TypeScript on every start (tsx took 1.3–1.9 s).
//
// The build lives in dist/cli/<key>/, where <key> is a hash of every source file's path, size and
// modification time. A fresh clone, or any edit, gives a new key: the first command after it builds
// (about half a second; `npm install` does it already through the `prepare` step), and every later
// one just imports. Concurrent commands each build into a folder of their own and rename it into
// place, so none ever reads a half-written build; a process already running keeps its own folder,
// whose lazily loaded chunks therefore never change under it. If the build cannot be made (no
// esbuild), the TypeScript sources run through tsx, as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = join(ROOT, 'dist', 'cli');
/** Each command's entry point, and the name of its built file. */
export const ENTRIES = { swivel: 'hub/cli.ts', 'swivel-sim': 'firmware-sim/cli.ts' };
/** What the built commands are made of: a change to any of these makes a new build. */
const SOURCE_DIRS = ['hub', 'firmware-sim'];
const SOURCE_FILES = ['package.json', 'bin/launch.mjs'];
/** Builds kept besides the newest, for processes still running from them. */
const KEEP_OLD_BUILDS = 2;

function* sourceFiles() {
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|json)$/.test(entry.name)) yield join(entry.parentPath, entry.name);
    }
  }
  for (const file of SOURCE_FILES) yield join(ROOT, file);
}

/** The build's key: cheap (one stat per source file, a few milliseconds), and it changes with any edit. */
export function buildKey() {
  const hash = createHash('sha256').update(process.version);
  for (const file of [...sourceFiles()].sort()) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundled into the build rather than loaded from node_modules: typebox alone is some 700 ES modules,
 * and Node spent about 0.6 s finding and parsing them on every command. The type provider goes with
 * it, so that the hub has one TypeBox.
 */
const BUNDLED = new Set(['typebox', 'rxjs', '@fastify/type-provider-typebox']);

/** Every other package (and its subpaths) stays external. */
function externalPackages() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => !BUNDLED.has(name));
  return names.flatMap((name) => [name, `${name}/*`]);
}

/** Builds every command into dist/cli/<key>/ (unless it is there already); returns that folder. */
export async function build(key = buildKey()) {
  const target = join(CLI_DIR, key);
  if (existsSync(join(target, 'done'))) return target;
  const { build: esbuild } = await import('esbuild');
  const scratch = join(CLI_DIR, `.building-${process.pid}-${Date.now()}`);
  mkdirSync(scratch, { recursive: true });
  try {
    await esbuild({
      absWorkingDir: ROOT,
      entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ in: input, out })),
      outdir: scratch,
      bundle: true,
      // Every command loads only the modules it needs: shared code and lazily imported parts are
      // chunks, and packages stay in node_modules, imported where they are needed, except the few
      // pure-JavaScript ones made of hundreds of small files (BUNDLED), whose loading was most of a
      // short command's start.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: externalPackages(),
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      logLevel: 'error',
    });
    // The marker last: a folder without it is a build that did not finish.
    await import('node:fs/promises').then((fs) => fs.writeFile(join(scratch, 'done'), `${new Date().toISOString()}\n`));
    try {
      renameSync(scratch, target);
    } catch {
      // Another process built the same sources at the same moment: its build is as good as ours.
      rmSync(scratch, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  pruneOldBuilds(key);
  return target;
}

function pruneOldBuilds(keep) {
  const builds = readdirSync(CLI_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== keep)
    .map((d) => ({ path: join(CLI_DIR, d.name), at: statSync(join(CLI_DIR, d.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  // Unfinished scratch folders older than a minute are left-overs of a build that was killed.
  for (const [i, old] of builds.entries()) {
    const scratch = old.path.includes('.building-');
    if ((scratch && Date.now() - old.at > 60_000) || (!scratch && i >= KEEP_OLD_BUILDS)) rmSync(old.path, { recursive: true, force: true });
  }
}

/** Runs the command `name` (a key of ENTRIES) from the build, or from the sources if it cannot be built. */
export async function launch(name) {
  let folder = null;
  try {
    folder = await build();
  } catch (error) {
    process.stderr.write(`swivel: running from the TypeScript sources (the fast build failed: ${error.message.split('\n')[0]})\n`);
  }
  if (folder) {
    await import(pathToFileURL(join(folder, `${name}.mjs`)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, ENTRIES[name])).href);
}

// `node bin/launch.mjs --build`: the `prepare` step of npm install.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === '--build') {
  const folder = await build();
  process.stdout.write(`swivel: commands built in ${relative(ROOT, folder)}\n`);
}
