/**
 * The simulated radio: what travels between the hub's simulator bindings (hub/ble) and a simulated
 * sensor (firmware-sim) in place of Bluetooth packets. One JSON object per line over a local socket,
 * or passed directly for in-process devices.
 *
 * It mirrors the GATT operations noble's bindings make, no more: a simulator that dies simply closes
 * the link, which the hub sees exactly as a sensor that went out of range.
 */

/** Where simulators announce themselves: one `<address>.json` file (a `RadioBeacon`) per running device. */
export interface RadioBeacon {
  address: string;
  port: number;
  pid: number;
}

export interface RadioCharacteristic {
  uuid: string;
  properties: string[];
}

export interface RadioService {
  uuid: string;
  characteristics: RadioCharacteristic[];
}

/** Hub → sensor. `id` pairs a request with its reply. */
export type CentralRequest =
  | { op: 'advertise'; id: number }
  | { op: 'connect'; id: number; mtu: number }
  | { op: 'disconnect'; id: number }
  | { op: 'rssi'; id: number }
  | { op: 'services'; id: number }
  | { op: 'read'; id: number; service: string; characteristic: string }
  | { op: 'write'; id: number; service: string; characteristic: string; data: string }
  | { op: 'notify'; id: number; service: string; characteristic: string; enable: boolean };

/** Sensor → hub: replies (with the request's id) and unprompted events. Binary data is base64. */
export type PeripheralMessage =
  | { op: 'advertisement'; id: number; address: string; localName: string; serviceUuids: string[]; rssi: number; connectable: boolean }
  | { op: 'connected'; id: number; mtu: number }
  | { op: 'disconnected'; id?: number; reason: number }
  | { op: 'rssi'; id: number; rssi: number }
  | { op: 'services'; id: number; services: RadioService[] }
  | { op: 'read'; id: number; service: string; characteristic: string; data: string }
  | { op: 'write'; id: number; service: string; characteristic: string }
  | { op: 'notify'; id: number; service: string; characteristic: string; enable: boolean }
  | { op: 'notification'; service: string; characteristic: string; data: string }
  | { op: 'error'; id: number; message: string };

/** The kinds of simulated sensor (`npm run sim -- --device …`, `swivel serve --sim-device …`). */
export const SIM_DEVICE_KINDS = ['swivel', 'witmotion', 'dot', 'polar'] as const;
export type SimDeviceKind = (typeof SIM_DEVICE_KINDS)[number];
export const isSimDeviceKind = (value: string): value is SimDeviceKind => (SIM_DEVICE_KINDS as readonly string[]).includes(value);

/** HCI disconnect reasons as noble reports them. */
export const DISCONNECT_REASON = { connectionTimeout: 0x08, remoteUserTerminated: 0x13, localHostTerminated: 0x16 } as const;

export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
export const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** The hub's side of one radio link to one device. */
export interface RadioLink {
  send(request: CentralRequest): void;
  onMessage(listener: (message: PeripheralMessage) => void): void;
  /** Fires once when the link is gone, whoever closed it. */
  onClose(listener: () => void): void;
  close(): void;
}

/** A device within reach, not yet linked. */
export interface RadioEndpoint {
  address: string;
  open(): Promise<RadioLink>;
}

/** The air around the hub: which simulated devices can be reached right now. */
export interface Radio {
  endpoints(): Promise<RadioEndpoint[]>;
}

/** Splits a byte stream into JSON lines; bad lines go to `onBadLine` instead of throwing. */
export function jsonLineReader<T>(onMessage: (message: T) => void, onBadLine: (line: string) => void): (chunk: Buffer | string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      let parsed: T;
      try {
        parsed = JSON.parse(line) as T;
      } catch {
        onBadLine(line);
        continue;
      }
      onMessage(parsed);
    }
  };
}

/** Where simulators put their beacons unless told otherwise (`--radio DIR` or SWIVEL_RADIO_DIR). */
export function defaultRadioDir(): string {
  return process.env.SWIVEL_RADIO_DIR || `${process.env.TMPDIR || '/tmp'}/swivel-radio`;
}
