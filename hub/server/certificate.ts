/**
 * The hub's HTTPS certificate for `swivel serve --https`: self-signed, made on first run and kept in
 * the data directory, so a tablet that trusted it once keeps trusting it. A tablet needs HTTPS for a
 * secure context (the screen wake lock, among others); docs/security.md says how to trust it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { lanAddresses } from './pairing.ts';

export const CERTIFICATE_FILE = 'swivel-https.crt';
export const KEY_FILE = 'swivel-https.key';
/** Apple's limit for a TLS server certificate, even one trusted by hand. */
const VALID_DAYS = 825;

export interface HubCertificate {
  key: string;
  cert: string;
  /** Where the files are (null: made in memory for a hub without a data directory). */
  dir: string | null;
  /** SHA-256 fingerprint, to compare on the tablet. */
  fingerprint: string;
  /** Addresses of this machine that the certificate does not name (it was made when they were different). */
  missingAddresses: string[];
}

/** Reads the certificate from `dir`, or makes one there (for localhost, this machine's name and its addresses now). */
export async function loadOrCreateCertificate(dir: string | null): Promise<HubCertificate> {
  const addresses = lanAddresses();
  if (dir !== null && existsSync(join(dir, CERTIFICATE_FILE)) && existsSync(join(dir, KEY_FILE))) {
    const cert = readFileSync(join(dir, CERTIFICATE_FILE), 'utf8');
    const key = readFileSync(join(dir, KEY_FILE), 'utf8');
    const x509 = new X509Certificate(cert);
    return { key, cert, dir, fingerprint: x509.fingerprint256, missingAddresses: addresses.filter((address) => !x509.checkIP(address)) };
  }
  const machine = hostname();
  const notBeforeDate = new Date(Date.now() - 60_000);
  const made = await generate([{ name: 'commonName', value: `Swivel hub on ${machine}` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 24 * 3600 * 1000),
    extensions: [
      // Its own authority: iPadOS and Android list a certificate to trust only if it may sign.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: machine },
          { type: 2, value: `${machine}.local` },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          ...addresses.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  if (dir !== null) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, KEY_FILE), made.private, { mode: 0o600 });
    writeFileSync(join(dir, CERTIFICATE_FILE), made.cert);
  }
  return { key: made.private, cert: made.cert, dir, fingerprint: new X509Certificate(made.cert).fingerprint256, missingAddresses: [] };
}
