/**
 * Sending a document (issue 5 item 2): the caller is `from`; every receiver is known; a NEW
 * documentId is unique per sender; every attached PDF passes the verifier; size limits hold.
 * Then the message, files and deliveries are made durable in one statement (group-committed with
 * concurrent sends when deps.batches is set) and only THEN one job per receiver is enqueued. A failed enqueue after commit is not an error: the sweeper
 * re-enqueues queued deliveries whose jobs are missing, so the 202 promise holds.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import type { Envelope } from './envelope';
import { receiverCodesOf } from './envelope';
import type { ExchangeDeps } from './exchange-deps';
import { findNewDocument, insertAcceptedMessage, throwDuplicate, type StoredAttachment } from './message-repository';
import { enqueueAfterCommit } from './exchange-batches';

/** An uploaded attachment. */
export interface IncomingAttachment {
  name: string;
  contentType: string;
  data: Buffer;
}

/** The 202 answer. */
export interface SendResult {
  id: string;
  documentId: string;
  receivers: { code: string; status: 'queued' }[];
}

/** Accepts a message from `callerCode` (the authenticated agency). */
export async function sendMessage(deps: ExchangeDeps, callerCode: string, envelope: Envelope, attachments: IncomingAttachment[], originAxis = 'local'): Promise<SendResult> {
  assertSender(callerCode, envelope);
  await deps.queue.assertAvailable();
  const refersTo = await resolveOriginal(deps, envelope);
  const receivers = unique([...receiverCodesOf(envelope), ...(refersTo?.receivers ?? [])]);
  await assertReceiversKnown(deps, receivers);
  assertLimits(deps, envelope, attachments);
  const stored = await verifyAndStore(deps, attachments);
  const accepted = { id: randomUUID(), envelope, refersTo: refersTo?.id ?? null, receivers, attachments: stored, originAxis, at: deps.now?.() ?? new Date() };
  if (deps.batches) {
    if (!(await deps.batches.accept(accepted))) await throwDuplicate(deps.db, envelope);
  } else {
    await insertAcceptedMessage(deps.db, accepted);
    await enqueueAfterCommit(deps.queue, deps.logger, [accepted]);
  }
  const id = accepted.id;
  return { id, documentId: envelope.documentId, receivers: receivers.map((code) => ({ code, status: 'queued' as const })) };
}

function assertSender(callerCode: string, e: Envelope): void {
  if (e.from.organId !== callerCode) {
    throw new AppError('EXCHANGE_SENDER_MISMATCH', `The envelope's From (${e.from.organId}) must be the calling agency (${callerCode}).`);
  }
}

const unique = (xs: string[]) => [...new Set(xs)];

/** Revoke, update and replace act on an earlier NEW document of the same sender. */
async function resolveOriginal(deps: ExchangeDeps, e: Envelope): Promise<{ id: string; receivers: string[] } | null> {
  // A NEW document's DocumentId is checked by the insert itself (the partial unique index), not by a read before
  if (e.business.docType === 0) return null;
  const original = await findNewDocument(deps.db, e.from.organId, e.business.documentId ?? '');
  if (!original) {
    throw new AppError('EXCHANGE_ORIGINAL_NOT_FOUND', `No document "${e.business.documentId}" sent by ${e.from.organId} exists to revoke, update or replace.`);
  }
  return { id: original.id, receivers: receiverCodesOf(original.envelope) };
}

async function assertReceiversKnown(deps: ExchangeDeps, receivers: string[]): Promise<void> {
  const found = deps.agencies.findAgencies
    ? await deps.agencies.findAgencies(receivers)
    : new Map((await Promise.all(receivers.map((c) => deps.agencies.findAgency(c)))).flatMap((a) => (a ? [[a.code, a] as const] : [])));
  const unknown = receivers.filter((c) => !found.has(c));
  if (unknown.length > 0) {
    throw new AppError('EXCHANGE_RECEIVER_UNKNOWN', `These receivers are not in the agency directory: ${unknown.join(', ')}.`, { unknown });
  }
}

function assertLimits(deps: ExchangeDeps, e: Envelope, attachments: IncomingAttachment[]): void {
  const o = deps.options;
  if (e.business.docType !== 1 && attachments.length === 0) {
    throw new AppError('EXCHANGE_ATTACHMENT_REJECTED', 'A new, updated or replacing document must carry at least one signed PDF.');
  }
  if (attachments.length > o.maxAttachments) throw new AppError('PAYLOAD_TOO_LARGE', `At most ${o.maxAttachments} attachments per message.`);
  const total = attachments.reduce((n, a) => n + a.data.length, 0);
  const big = attachments.find((a) => a.data.length > o.maxAttachmentBytes);
  if (big) throw new AppError('PAYLOAD_TOO_LARGE', `The attachment "${big.name}" is larger than ${o.maxAttachmentBytes} bytes.`);
  if (total > o.maxTotalBytes) throw new AppError('PAYLOAD_TOO_LARGE', `The attachments together exceed ${o.maxTotalBytes} bytes.`);
}

/** Refused verdicts: INVALID, MODIFIED, NOT_SIGNED; INDETERMINATE by policy. */
function isRefused(verdict: string, acceptIndeterminate: boolean): boolean {
  if (verdict === 'VALID') return false;
  return !(verdict === 'INDETERMINATE' && acceptIndeterminate);
}

async function verifyAndStore(deps: ExchangeDeps, attachments: IncomingAttachment[]): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  for (const [ordinal, a] of attachments.entries()) {
    if (a.data.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new AppError('EXCHANGE_ATTACHMENT_REJECTED', `The attachment "${a.name}" is not a PDF.`, { attachment: a.name });
    }
    const { verdict, report, sha256: verified } = await deps.verifyAttachment(a.data);
    if (isRefused(verdict, deps.options.acceptIndeterminate)) {
      throw new AppError('EXCHANGE_ATTACHMENT_REJECTED', `The attachment "${a.name}" did not pass verification (${verdict}).`, { attachment: a.name, verdict, report });
    }
    // the verifier hashes the whole file anyway; hash here only when it did not say
    const sha256 = verified ?? createHash('sha256').update(a.data).digest('hex');
    const storageKey = await deps.files.put(a.data, sha256);
    stored.push({ ordinal, name: a.name, contentType: 'application/pdf', size: a.data.length, sha256, storageKey, verdict });
  }
  return stored;
}
