/**
 * The pull inbox (issue 5 item 3; the VXP getReceivedEdocList → getEdoc → updateStatus cycle and
 * the Bkav GetPendingDocumentIDs → GetDocument → ConfirmReceived cycle). Acknowledging writes
 * business status 01, as the Bkav axis does on ConfirmReceived.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { acknowledgeDeliveries, findDelivery } from './delivery-repository';
import { getMessage } from './message-repository';
import { buildPushedMessage, type PushedMessage } from './push-payload';
import { enqueueStatusRelay } from './record-status';

/** One pending entry of the inbox. */
export interface InboxEntry {
  id: string;
  documentId: string;
  from: string;
  subject: string;
  businessDocType: number;
  priority: number;
  deliveredAt: string | null;
}

/** Messages delivered to `receiverCode` and not yet acknowledged, oldest first. */
export async function listInbox(deps: ExchangeDeps, receiverCode: string, limit = 100): Promise<InboxEntry[]> {
  // only the two envelope fields the list shows (not every whole envelope, parsed per poll)
  const rows = await deps.db.selectFrom('exchange_deliveries as d')
    .innerJoin('exchange_messages as m', 'm.id', 'd.message_id')
    .select(['m.id', 'm.document_id', 'm.from_code', 'm.business_doc_type', 'd.delivered_at'])
    .select(sql<string>`m.envelope->>'subject'`.as('subject'))
    .select(sql<string | null>`m.envelope->'otherInfo'->>'priority'`.as('priority'))
    .where('d.receiver_code', '=', receiverCode).where('d.status', '=', 'delivered')
    .orderBy('d.delivered_at').limit(Math.min(Math.max(limit, 1), 1000)).execute();
  return rows.map((r) => ({
    id: r.id, documentId: r.document_id, from: r.from_code, subject: r.subject, businessDocType: Number(r.business_doc_type),
    priority: r.priority === null ? 0 : Number(r.priority), deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
  }));
}

async function assertDelivered(deps: ExchangeDeps, receiverCode: string, id: string): Promise<'delivered' | 'acknowledged'> {
  const d = await findDelivery(deps.db, id, receiverCode);
  if (!d || (d.status !== 'delivered' && d.status !== 'acknowledged')) {
    throw new AppError('EXCHANGE_MESSAGE_NOT_FOUND', `No message ${id} has been delivered to ${receiverCode}.`);
  }
  return d.status;
}

/** A delivered message with its attachments (base64) and hop trail. */
export async function getInboxMessage(deps: ExchangeDeps, receiverCode: string, id: string): Promise<PushedMessage & { status: string }> {
  const status = await assertDelivered(deps, receiverCode, id);
  return { ...(await buildPushedMessage(deps, await getMessage(deps.db, id))), status };
}

/**
 * Acknowledges receipt (idempotent) and records status 01 for the sender, in one statement; the
 * status is queued for relay when the sender is pushed to or hosted by a peer axis.
 */
export async function ackInboxMessage(deps: ExchangeDeps, receiverCode: string, id: string): Promise<{ id: string; status: 'acknowledged' }> {
  const statusId = randomUUID();
  const request = { messageId: id, receiverCode, statusId, description: 'Đã nhận văn bản (xác nhận qua hộp thư đến)', at: deps.now?.() ?? new Date() };
  const r = deps.batches ? await deps.batches.acknowledge(request) : (await acknowledgeDeliveries(deps.db, [request]))[0];
  // 'delivered' and not changed here: a concurrent acknowledgement got there first
  if (!r.acknowledged && r.status !== 'acknowledged' && r.status !== 'delivered') {
    throw new AppError('EXCHANGE_MESSAGE_NOT_FOUND', `No message ${id} has been delivered to ${receiverCode}.`);
  }
  if (r.relayStatus && r.sender) await enqueueStatusRelay(deps, statusId, r.sender);
  return { id, status: 'acknowledged' };
}
