/**
 * Identifiers of registered documents (Decree 45/2020 art. 18.2: a printed result carries an
 * identifier that can be looked up) and their access tokens. Both are unguessable: the id is 80
 * random bits in Crockford base32 (upper case, no I/L/O/U, so it survives being read aloud or
 * retyped from paper), the token 144 random bits in base64url. Only the token's SHA-256 is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Crockford base32 of some bytes (no padding). */
export function crockfordBase32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(acc << (5 - bits)) & 31];
  return out;
}

/** A new document id: 'VB-' (văn bản) + 16 Crockford base32 characters. */
export function newDocumentId(): string {
  return `VB-${crockfordBase32(randomBytes(10))}`;
}

/** True when `id` has the shape of a document id (cheap filter before any query). */
export function isDocumentId(id: string): boolean {
  return typeof id === 'string' && /^VB-[0-9A-HJKMNP-TV-Z]{16}$/.test(id);
}

/** A new access token for the verification URL (24 base64url characters). */
export function newAccessToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The stored form of a token: hex SHA-256. */
export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A hash no token has, compared against when the id is unknown so timing does not tell. */
const DUMMY_HASH = hashAccessToken('kyso: no such document');

/** Compares a presented token with a stored hash in constant time; null hash = unknown id. */
export function tokenMatches(token: string | undefined, storedHash: string | null): boolean {
  const presented = Buffer.from(hashAccessToken(token ?? ''), 'hex');
  const stored = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  const same = stored.length === presented.length && timingSafeEqual(presented, stored);
  return same && storedHash !== null && token !== undefined && token !== '';
}

/** The citizen verification URL printed in the QR code (issue 4 item 2). */
export function verificationUrl(publicBaseUrl: string, id: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v/${encodeURIComponent(id)}?t=${encodeURIComponent(token)}`;
}
