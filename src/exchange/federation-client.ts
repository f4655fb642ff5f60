/**
 * Federation between axes (issue 5 item 7; the Bkav provincial axis forwarding out-of-province
 * receivers to VPCP): a message for a receiver hosted by a peer axis is POSTed to the peer's
 * /api/v1/exchange/federation/messages, and a status for a sender hosted by a peer to
 * /federation/statuses. Requests are signed with the shared federation secret (HMAC-SHA256 over
 * timestamp + body); the hop trail travels inside the message.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { postSigned } from './post-signed';
import type { PushedMessage } from './push-payload';

/** Body of POST /federation/messages. */
export interface FederatedMessage {
  message: PushedMessage;
  receiverCode: string;
  /** Base URL of the sending axis. */
  originAxis: string;
  /** The hop name of the sending axis. */
  viaAxis: string;
}

/** A status as relayed between axes. */
export interface FederatedStatus {
  id: string;
  messageId: string | null;
  from: string;
  to: string;
  documentId: string;
  code: string;
  description: string;
  staffInfo?: unknown;
  at: string;
}

function secretOf(deps: ExchangeDeps): string {
  const s = deps.options.federationSecret;
  if (!s) throw new AppError('EXCHANGE_DELIVERY_FAILED', 'This axis has no federation secret: it cannot relay to a peer axis.', { permanent: true });
  return s;
}

const base = (url: string) => url.replace(/\/+$/, '');

/** Relays a message to the peer axis hosting `receiverCode`. */
export async function relayMessageToPeer(deps: ExchangeDeps, message: PushedMessage, receiverCode: string, peerUrl: string): Promise<void> {
  const body: FederatedMessage = { message, receiverCode, originAxis: deps.options.publicBaseUrl ?? '', viaAxis: deps.options.axisName };
  await postSigned(deps, `${base(peerUrl)}/api/v1/exchange/federation/messages`, secretOf(deps), JSON.stringify(body), `${message.id}@${receiverCode}`);
}

/** Relays a status to the peer axis hosting the original sender. */
export async function relayStatusToPeer(deps: ExchangeDeps, status: FederatedStatus, peerUrl: string): Promise<void> {
  await postSigned(deps, `${base(peerUrl)}/api/v1/exchange/federation/statuses`, secretOf(deps), JSON.stringify(status), `status-${status.id}`);
}
