#!/usr/bin/env node
// Runs the TypeScript hub directly: tsx compiles on load, no build step.
//
// The two large module trees every command needs (TypeBox's ~700 files, rxjs) are loaded first by
// Node's own loader: once tsx's loader is registered, every module it sees costs a round trip to its
// hook thread, which made a plain `swivel sessions list` spend a second just loading TypeBox. The
// hub's imports of them then find them already loaded. A help text needs neither.
const args = process.argv.slice(2);
const helpOnly = args.length === 0 || args.includes('--help') || args.includes('-h');
if (!helpOnly) await Promise.all([import('typebox'), import('typebox/compile'), import('rxjs')]);
const { register } = await import('tsx/esm/api');
register();
await import('../hub/cli.ts');
