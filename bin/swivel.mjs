#!/usr/bin/env node
// Runs the TypeScript hub directly: tsx compiles on load, no build step.
import { register } from 'tsx/esm/api';
register();
await import('../hub/cli.ts');
