// noble's with-bindings entry has no declarations; these cover what hub/ble uses. `state` is missing
// from the package's own types, and the disconnect reason is really a number.
declare module '@abandonware/noble/with-bindings.js' {
  import type { EventEmitter } from 'node:events';
  import type { Peripheral } from '@abandonware/noble';

  export interface NobleCentral extends EventEmitter {
    readonly state: string;
    startScanning(serviceUuids?: string[], allowDuplicates?: boolean, callback?: (error?: Error) => void): void;
    stopScanning(callback?: () => void): void;
    on(event: 'stateChange', listener: (state: string) => void): this;
    on(event: 'discover', listener: (peripheral: Peripheral) => void): this;
    on(event: 'warning', listener: (message: string) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }

  const withBindings: (bindings: EventEmitter) => NobleCentral;
  export default withBindings;
}
