/**
 * The JSON a push receiver (webhook) or a peer axis receives: the envelope, the attachments
 * base64-encoded with their SHA-256, and the hop trail so far.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { listAttachments, type MessageRecord } from './message-repository';
import type { Envelope } from './envelope';

/** A message as pushed. */
export interface PushedMessage {
  kind: 'message';
  id: string;
  documentId: string;
  envelope: Envelope;
  attachments: { name: string; contentType: string; sha256: string; size: number; contentBase64: string }[];
  trace: { agency: string; event: string; at: string }[];
}

async function readStored(deps: ExchangeDeps, key: string, name: string): Promise<Buffer> {
  const bytes = await deps.files.get(key);
  if (!bytes) throw new AppError('INTERNAL', `The stored attachment "${name}" (${key}) is missing from the file store.`);
  return bytes;
}

/** Builds the pushed form of a stored message. */
export async function buildPushedMessage(deps: ExchangeDeps, m: MessageRecord): Promise<PushedMessage> {
  const stored = await listAttachments(deps.db, m.id);
  const attachments = await Promise.all(stored.map(async (a) => ({
    name: a.name, contentType: a.contentType, sha256: a.sha256, size: a.size,
    contentBase64: (await readStored(deps, a.storageKey, a.name)).toString('base64'),
  })));
  const trace = await deps.db.selectFrom('exchange_trace').select(['agency_code', 'event', 'at'])
    .where('message_id', '=', m.id).orderBy('id').execute();
  return {
    kind: 'message', id: m.id, documentId: m.documentId, envelope: m.envelope, attachments,
    trace: trace.map((t) => ({ agency: t.agency_code, event: t.event, at: new Date(t.at).toISOString() })),
  };
}
