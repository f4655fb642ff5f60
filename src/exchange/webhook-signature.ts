/**
 * HMAC-SHA256 request signatures for push webhooks and for requests between federated axes:
 * `X-Kyso-Signature: t=<unix seconds>,v1=<hex HMAC(secret, t + "." + body)>`. The timestamp is
 * inside the MAC so that a captured request cannot be replayed later than the tolerance (the
 * VXP API signs a timestamp with the body the same way, domain notes §1.3 gotcha 4).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature. */
export const SIGNATURE_HEADER = 'x-kyso-signature';

/** The header value for `body` signed at `at`. */
export function signRequestBody(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

/** True when `header` signs `body` with `secret` within `toleranceSeconds` of `now`. */
export function isValidRequestSignature(secret: string, body: string, header: string | undefined, now: Date = new Date(), toleranceSeconds = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}
