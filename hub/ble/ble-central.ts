import type { EventEmitter } from 'node:events';
import type { Peripheral } from '@abandonware/noble';
import withBindings, { type NobleCentral } from '@abandonware/noble/with-bindings.js';

/** One sensor link waiting for a sensor: which peripherals it would take. */
interface Search<T> {
  owner: string;
  accept(peripheral: Peripheral): T | undefined;
  resolve(found: { peripheral: Peripheral; match: T }): void;
}

/**
 * The one noble central that every sensor link of a hub shares (two sensors, one per shin, are two
 * links on one adapter). One noble object per adapter: two on the same bindings would both act on
 * every connect and disconnect event. The scan is shared too: it runs while any link is looking for
 * a sensor, and a peripheral one link has taken is never offered to another.
 */
export class BleCentral {
  readonly noble: NobleCentral;
  private readonly searches = new Set<Search<unknown>>();
  /** Peripheral id → the link that has it (connecting, connected, or waiting for it to come back). */
  private readonly claims = new Map<string, string>();
  private scanFilter: string[] | null = null;

  constructor(bindings: EventEmitter, log: (line: string) => void = () => {}) {
    this.noble = withBindings(bindings);
    // noble logs warnings to the console when nobody listens; they belong in our log.
    this.noble.on('warning', (message: string) => log(`noble: ${message}`));
    this.noble.on('discover', (peripheral: Peripheral) => this.offer(peripheral));
  }

  /** The link that has this peripheral, if any. */
  ownerOf(peripheralId: string): string | undefined {
    return this.claims.get(peripheralId);
  }

  /** `owner` has this peripheral now (and gives up any other it had). */
  claim(peripheralId: string, owner: string): void {
    this.release(owner);
    this.claims.set(peripheralId, owner);
  }

  /** `owner` has no peripheral any more. */
  release(owner: string): void {
    for (const [id, holder] of this.claims) if (holder === owner) this.claims.delete(id);
  }

  /**
   * Scans until a connectable peripheral that no other link has is accepted by `accept`; it is then
   * claimed for `owner`. `serviceFilter` is what the scan may filter on ([]: everything).
   */
  find<T>(owner: string, serviceFilter: string[], accept: (peripheral: Peripheral) => T | undefined, signal: AbortSignal): Promise<{ peripheral: Peripheral; match: T }> {
    return new Promise((resolve, reject) => {
      const search: Search<T> = {
        owner,
        accept,
        resolve: (found) => {
          done();
          this.claim(found.peripheral.id, owner);
          resolve(found);
        },
      };
      const onAbort = () => {
        done();
        reject(new DOMException('stopped', 'AbortError'));
      };
      const done = () => {
        this.searches.delete(search as Search<unknown>);
        signal.removeEventListener('abort', onAbort);
        if (this.searches.size === 0) this.stopScanning();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.searches.add(search as Search<unknown>);
      this.startScanning(serviceFilter, (error) => {
        done();
        reject(error);
      });
    });
  }

  private offer(peripheral: Peripheral): void {
    if (!peripheral.connectable) return;
    for (const search of this.searches) {
      const holder = this.claims.get(peripheral.id);
      if (holder !== undefined && holder !== search.owner) continue;
      const match = search.accept(peripheral);
      if (match !== undefined) {
        search.resolve({ peripheral, match });
        return;
      }
    }
  }

  private startScanning(serviceFilter: string[], onError: (error: Error) => void): void {
    // Already scanning for everything, or for these services: nothing to change.
    if (this.scanFilter && (this.scanFilter.length === 0 || serviceFilter.every((uuid) => this.scanFilter!.includes(uuid)))) return;
    this.scanFilter = this.scanFilter && serviceFilter.length > 0 ? [...new Set([...this.scanFilter, ...serviceFilter])] : serviceFilter;
    // Duplicates allowed: a sensor seen while another link was choosing must be offered again later.
    this.noble.startScanning(this.scanFilter, true, (error?: Error) => {
      if (error) onError(error);
    });
  }

  private stopScanning(): void {
    if (!this.scanFilter) return;
    this.scanFilter = null;
    this.noble.stopScanning();
  }
}
