#!/usr/bin/env node
// The `swivel` command: built JavaScript when it can be, the TypeScript sources otherwise (bin/launch.mjs).
import { launch } from './launch.mjs';
await launch('swivel');
