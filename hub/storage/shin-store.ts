/**
 * Which shin each physical sensor is on, in SQLite: set once on the sensor panel, used again whenever
 * that sensor connects (the hub's ShinMemory).
 */
import type { Shin, ShinMemory } from '../sensor-hub.ts';
import type { SqliteDatabase } from './database.ts';

export class ShinStore implements ShinMemory {
  private readonly select;
  private readonly upsert;
  private readonly remove;

  constructor(db: SqliteDatabase) {
    this.select = db.prepare('SELECT shin FROM sensor_shins WHERE device_id = ?');
    this.upsert = db.prepare('INSERT INTO sensor_shins (device_id, shin, set_at) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET shin = excluded.shin, set_at = excluded.set_at');
    this.remove = db.prepare('DELETE FROM sensor_shins WHERE device_id = ?');
  }

  get(deviceId: string): Shin | null {
    const row = this.select.get(deviceId) as { shin: Shin } | undefined;
    return row?.shin ?? null;
  }

  set(deviceId: string, shin: Shin | null): void {
    if (shin) this.upsert.run(deviceId, shin, Date.now());
    else this.remove.run(deviceId);
  }
}
