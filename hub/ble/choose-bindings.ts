import type { EventEmitter } from 'node:events';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import withBindings from '@abandonware/noble/with-bindings.js';
import type { Radio } from '../protocol/radio.ts';
import { RadioBindings } from './radio-bindings.ts';
import { socketRadio } from './socket-radio.ts';

export type SensorMode = 'auto' | 'sim' | 'ble';

export interface BindingsChoice {
  source: 'sim' | 'ble';
  bindings: EventEmitter;
  /** One line for the log: which bindings and why. */
  reason: string;
}

export class NoAdapterError extends Error {}

const PROBE_TIMEOUT_MS = 3000;
const SETCAP_HINT = 'sudo setcap cap_net_raw+eip $(readlink -f $(which node))';

/**
 * Looks for a working Bluetooth adapter without ever crashing the hub. noble's HCI bindings throw
 * synchronously on machines without Bluetooth sockets, so they are only constructed here, inside
 * try/catch, and only after the kernel lists an adapter.
 */
export async function probeAdapter(): Promise<{ ok: true; bindings: EventEmitter } | { ok: false; reason: string }> {
  let adapters: string[] = [];
  try {
    adapters = (await readdir('/sys/class/bluetooth')).filter((name) => name.startsWith('hci'));
  } catch {
    // no such directory: no Bluetooth support in this kernel or container
  }
  if (adapters.length === 0) return { ok: false, reason: 'no Bluetooth adapter found (nothing in /sys/class/bluetooth)' };
  let bindings: EventEmitter;
  try {
    const require = createRequire(import.meta.url);
    const HciBindings = require('@abandonware/noble/lib/hci-socket/bindings') as new (options?: object) => EventEmitter;
    bindings = new HciBindings();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES') return { ok: false, reason: `no permission to use ${adapters[0]} (run: ${SETCAP_HINT})` };
    if (code === 'MODULE_NOT_FOUND') return { ok: false, reason: 'the Bluetooth native module is not built (run: npm rebuild @abandonware/bluetooth-hci-socket)' };
    return { ok: false, reason: `${adapters[0]} cannot be opened (${(error as Error).message})` };
  }
  const noble = withBindings(bindings);
  const state = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer'), PROBE_TIMEOUT_MS);
    noble.on('warning', () => {}); // noble prints warnings with no listener; the reason below says enough
    noble.on('stateChange', (next: string) => {
      if (next === 'unknown' || next === 'resetting') return;
      clearTimeout(timer);
      resolve(next);
    });
  });
  if (state === 'poweredOn') return { ok: true, bindings };
  if (state === 'unauthorized') return { ok: false, reason: `no permission to use ${adapters[0]} (run: ${SETCAP_HINT})` };
  if (state === 'poweredOff') return { ok: false, reason: `${adapters[0]} is switched off` };
  return { ok: false, reason: `${adapters[0]} did not come up (${state})` };
}

export async function chooseBindings(mode: SensorMode, radio: () => Radio): Promise<BindingsChoice> {
  const simulator = (reason: string): BindingsChoice => ({ source: 'sim', bindings: new RadioBindings(radio()), reason });
  if (mode === 'sim') return simulator('using the simulated sensor (--sensor sim)');
  const probe = await probeAdapter();
  if (probe.ok) return { source: 'ble', bindings: probe.bindings, reason: 'using the Bluetooth adapter' };
  if (mode === 'ble') throw new NoAdapterError(`--sensor ble: ${probe.reason}`);
  return simulator(`using the simulated sensor: ${probe.reason}`);
}

export const simulatorRadio = (radioDir: string) => () => socketRadio(radioDir);
