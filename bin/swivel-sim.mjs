#!/usr/bin/env node
// Runs the TypeScript simulator directly: tsx compiles on load, no build step.
import { register } from 'tsx/esm/api';
register();
await import('../firmware-sim/cli.ts');
