#!/usr/bin/env node
// The simulated sensor: built JavaScript when it can be, the TypeScript sources otherwise (bin/launch.mjs).
import { launch } from './launch.mjs';
await launch('swivel-sim');
