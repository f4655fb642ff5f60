/**
 * POSTs a JSON body signed with HMAC-SHA256 (webhook-signature.ts). 2xx = done; 408, 429 and
 * 5xx or a network error/timeout are transient (retried); any other 4xx is permanent.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { SIGNATURE_HEADER, signRequestBody } from './webhook-signature';

/** Header naming the delivery, so that a receiver can ignore a repeated POST. */
export const DELIVERY_ID_HEADER = 'x-kyso-delivery';

/** Sends the body; throws EXCHANGE_DELIVERY_FAILED (details.permanent) unless 2xx. */
export async function postSigned(deps: ExchangeDeps, url: string, secret: string, body: string, deliveryId: string): Promise<string> {
  const headers = {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: signRequestBody(secret, body, deps.now?.() ?? new Date()),
    [DELIVERY_ID_HEADER]: deliveryId,
  };
  let res: { status: number; body: string };
  try {
    res = await deps.http(url, body, headers, deps.options.pushTimeoutMs);
  } catch (e) {
    throw new AppError('EXCHANGE_DELIVERY_FAILED', `POST ${url} failed: ${(e as Error).message}`, { permanent: false }, { cause: e });
  }
  if (res.status >= 200 && res.status < 300) return res.body;
  const isTransient = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new AppError('EXCHANGE_DELIVERY_FAILED', `POST ${url} answered ${res.status}`, { permanent: !isTransient, status: res.status });
}

/** The production HttpPost: fetch with a timeout. */
export async function fetchPost(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}
