#!/usr/bin/env -S node --max-semi-space-size=4
// The simulated sensor: built JavaScript when it can be, the TypeScript sources otherwise (bin/launch.mjs).
import { launch } from './launch.mjs';
await launch('swivel-sim');
