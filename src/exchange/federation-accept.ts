/**
 * The receiving side of federation: a peer axis hands over a message for a receiver hosted here,
 * or a status for a sender hosted here. Both are idempotent on the origin's ids (a peer that
 * retries after a lost response gets 200 again, not a duplicate), keep the hop trail that came
 * with the message and add this axis's hop.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { envelopeSchema } from './envelope';
import type { ExchangeDeps } from './exchange-deps';
import type { FederatedMessage, FederatedStatus } from './federation-client';
import { recordStatus } from './record-status';
import { businessStatusCodeSchema } from './business-codes';

/** Stores a relayed message and queues its local delivery. */
export async function acceptFederatedMessage(deps: ExchangeDeps, fm: FederatedMessage): Promise<{ id: string; receiver: string; isNew: boolean }> {
  const receiver = await deps.agencies.findAgency(fm.receiverCode);
  if (!receiver || receiver.axis !== 'local') {
    throw new AppError('EXCHANGE_RECEIVER_UNKNOWN', `The receiver ${fm.receiverCode} is not hosted by this axis.`);
  }
  const envelope = envelopeSchema.parse(fm.message.envelope);
  const m = fm.message;
  const files = await Promise.all(m.attachments.map(async (a, ordinal) => {
    const data = Buffer.from(a.contentBase64, 'base64');
    if (createHash('sha256').update(data).digest('hex') !== a.sha256) {
      throw new AppError('EXCHANGE_ATTACHMENT_REJECTED', `The relayed attachment "${a.name}" does not match its SHA-256.`);
    }
    const { verdict } = await deps.verifyAttachment(data);
    return { ordinal, a, storageKey: await deps.files.put(data), verdict };
  }));
  const isNew = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('exchange_messages').values({
      id: m.id, document_id: envelope.documentId, from_code: envelope.from.organId, envelope: JSON.stringify(envelope),
      business_doc_type: envelope.business.docType, refers_to: null, due_date: envelope.dueDate ?? null, origin_axis: fm.originAxis || 'peer',
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
    if (inserted.length > 0) {
      if (files.length > 0) {
        await trx.insertInto('exchange_attachments').values(files.map((f) => ({
          message_id: m.id, ordinal: f.ordinal, name: f.a.name, content_type: f.a.contentType, size: f.a.size,
          sha256: f.a.sha256, storage_key: f.storageKey, verdict: f.verdict, report: null,
        }))).execute();
      }
      if (m.trace.length > 0) {
        await trx.insertInto('exchange_trace').values(m.trace.map((t) => ({ message_id: m.id, agency_code: t.agency, event: t.event, at: t.at }))).execute();
      }
    }
    const d = await trx.insertInto('exchange_deliveries').values({ message_id: m.id, receiver_code: fm.receiverCode, status: 'queued' })
      .onConflict((oc) => oc.columns(['message_id', 'receiver_code']).doNothing()).returning('receiver_code').execute();
    if (d.length > 0) {
      await trx.insertInto('exchange_trace').values({ message_id: m.id, agency_code: fm.viaAxis, event: 'received-from-peer', receiver_code: fm.receiverCode }).execute();
    }
    return d.length > 0;
  });
  if (isNew) {
    await deps.queue.enqueue([{ kind: 'message', messageId: m.id, receiverCode: fm.receiverCode }]).catch((e: unknown) =>
      deps.logger.warn({ err: e, messageId: m.id }, 'federated enqueue failed; the sweeper will re-enqueue'));
  }
  return { id: m.id, receiver: fm.receiverCode, isNew };
}

/** Stores a relayed status for a sender hosted here (deduplicated like any status). */
export async function acceptFederatedStatus(deps: ExchangeDeps, s: FederatedStatus): Promise<{ id: string; duplicate: boolean }> {
  const code = businessStatusCodeSchema.parse(s.code);
  const known = s.messageId
    ? await deps.db.selectFrom('exchange_messages').select('id').where('id', '=', s.messageId).executeTakeFirst()
    : undefined;
  const exists = await deps.db.selectFrom('exchange_statuses').select('id').where('id', '=', s.id).executeTakeFirst();
  if (exists) return { id: s.id, duplicate: true };
  return recordStatus(deps, {
    id: s.id, messageId: known ? s.messageId : null, from: s.from, to: s.to, documentId: s.documentId, code,
    description: s.description, staffInfo: s.staffInfo, at: new Date(s.at),
  });
}
