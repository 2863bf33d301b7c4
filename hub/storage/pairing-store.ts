/**
 * Paired devices in SQLite: a tablet or laptop on another machine that may reach the hub, with its
 * role. The store keeps a SHA-256 hash of each device's token, never the token itself: the token is
 * handed out once, when the device is paired, and lives only in that device's cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { NotFoundError } from '../exit-codes.ts';
import { MIGRATIONS, type SqliteDatabase } from './database.ts';

/** coach: everything; viewer: reads, watches and replays, but changes nothing. */
export type PairingRole = 'coach' | 'viewer';

export interface Pairing {
  id: number;
  name: string;
  role: PairingRole;
  createdAt: number;
  lastSeenAt: number | null;
  lastAddress: string | null;
  revokedAt: number | null;
}

interface PairingRow {
  id: number;
  name: string;
  role: PairingRole;
  created_at: number;
  last_seen_at: number | null;
  last_address: string | null;
  revoked_at: number | null;
}

/** A pairing that the caller asked about does not exist. */
export class UnknownPairingError extends NotFoundError {}

/** Bytes of randomness in a device token (256 bits: not guessable, whatever the rate limit). */
const TOKEN_BYTES = 32;
/** last_seen_at is written at most this often per device, not on every request. */
const SEEN_EVERY_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const toPairing = (row: PairingRow): Pairing => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  lastAddress: row.last_address,
  revokedAt: row.revoked_at,
});

export class PairingStore {
  private readonly insert;
  private readonly byHash;
  private readonly byId;
  private readonly all;
  private readonly revokeRow;
  private readonly seen;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO pairings (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)');
    this.byHash = db.prepare('SELECT * FROM pairings WHERE token_hash = ?');
    this.byId = db.prepare('SELECT * FROM pairings WHERE id = ?');
    this.all = db.prepare('SELECT * FROM pairings ORDER BY id');
    this.revokeRow = db.prepare('UPDATE pairings SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.seen = db.prepare('UPDATE pairings SET last_seen_at = ?, last_address = ? WHERE id = ?');
  }

  /**
   * A store in memory, for a hub started without a data directory: pairings then last until the
   * hub stops. Every migration runs, so the table is the same as in a file.
   */
  static inMemory(): { store: PairingStore; db: SqliteDatabase } {
    const db = new Database(':memory:');
    for (const migration of MIGRATIONS) db.exec(migration.sql);
    return { store: new PairingStore(db), db };
  }

  /** Pairs a device: returns its token (to hand to the device, once) and the pairing. */
  create(name: string, role: PairingRole, now = Date.now()): { token: string; pairing: Pairing } {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const { lastInsertRowid } = this.insert.run(name, role, hashToken(token), now);
    return { token, pairing: this.get(Number(lastInsertRowid)) };
  }

  /** The live (not revoked) pairing a token belongs to, or null. */
  findByToken(token: string): Pairing | null {
    const row = this.byHash.get(hashToken(token)) as PairingRow | undefined;
    return row && row.revoked_at === null ? toPairing(row) : null;
  }

  get(id: number): Pairing {
    const row = this.byId.get(id) as PairingRow | undefined;
    if (!row) throw new UnknownPairingError(`there is no pairing ${id}; "swivel pairings list" shows them`);
    return toPairing(row);
  }

  /** Is this pairing still in force (it exists and was not revoked)? */
  isLive(id: number): boolean {
    const row = this.byId.get(id) as PairingRow | undefined;
    return row !== undefined && row.revoked_at === null;
  }

  list(): Pairing[] {
    return (this.all.all() as PairingRow[]).map(toPairing);
  }

  /** Revokes a pairing: its token lets no one in from now on. Revoking twice changes nothing. */
  revoke(id: number, now = Date.now()): Pairing {
    const before = this.get(id);
    if (before.revokedAt === null) this.revokeRow.run(now, id);
    return this.get(id);
  }

  /** Notes that a device was seen (at most once a minute, so a busy dashboard does not write on every request). */
  touch(pairing: Pairing, address: string, now = Date.now()): void {
    if (pairing.lastSeenAt !== null && now - pairing.lastSeenAt < SEEN_EVERY_MS && pairing.lastAddress === address) return;
    this.seen.run(now, address, pairing.id);
  }
}
