/**
 * GET /messages/:id (issue 5 item 8): each receiver's transport status and business statuses,
 * and the hop trail merged into one timeline. The sender and the operator see every receiver; a
 * receiver sees only its own copy.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { listDeliveries } from './delivery-repository';
import { getMessage, listAttachments } from './message-repository';
import { listMessageStatuses } from './status-repository';

/** Who asks: the operator, or an agency by code. */
export type Viewer = { kind: 'admin' } | { kind: 'agency'; agencyCode: string };

/** One entry of the timeline. */
export interface TimelineEvent {
  at: string;
  agency: string;
  event: string;
  receiver: string | null;
}

/** Builds the timeline view of a message. */
export async function getMessageTimeline(deps: ExchangeDeps, viewer: Viewer, id: string) {
  const m = await getMessage(deps.db, id);
  let deliveries = await listDeliveries(deps.db, id);
  let statuses = await listMessageStatuses(deps.db, id);
  if (viewer.kind === 'agency' && viewer.agencyCode !== m.fromCode) {
    const own = viewer.agencyCode;
    deliveries = deliveries.filter((d) => d.receiverCode === own);
    if (deliveries.length === 0) throw new AppError('EXCHANGE_MESSAGE_NOT_FOUND', `No exchanged message has id ${id}.`);
    statuses = statuses.filter((s) => s.from === own);
  }
  const visible = new Set([m.fromCode, ...deliveries.map((d) => d.receiverCode)]);
  const trace = await deps.db.selectFrom('exchange_trace').selectAll().where('message_id', '=', id).orderBy('id').execute();
  const timeline: TimelineEvent[] = [
    ...trace.filter((t) => !t.receiver_code || visible.has(t.receiver_code))
      .map((t) => ({ at: new Date(t.at).toISOString(), agency: t.agency_code, event: t.event, receiver: t.receiver_code })),
    ...statuses.map((s) => ({ at: s.at.toISOString(), agency: s.from, event: `status ${s.code}`, receiver: s.from })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    id: m.id, documentId: m.documentId, from: m.fromCode, subject: m.envelope.subject,
    businessDocType: m.businessDocType, refersTo: m.refersTo, createdAt: m.createdAt.toISOString(),
    attachments: (await listAttachments(deps.db, id)).map(({ storageKey: _k, ...a }) => a),
    receivers: deliveries.map((d) => ({
      code: d.receiverCode, status: d.status, attempts: d.attempts, lastError: d.lastError,
      deliveredAt: d.deliveredAt?.toISOString() ?? null, acknowledgedAt: d.acknowledgedAt?.toISOString() ?? null,
      business: statuses.filter((s) => s.from === d.receiverCode).map((s) => ({ code: s.code, description: s.description, at: s.at.toISOString() })),
    })),
    timeline,
  };
}
