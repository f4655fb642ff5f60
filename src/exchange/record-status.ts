/**
 * Records a business status and, when the addressee does not pull (push webhook or peer axis),
 * queues its relay. Deduplicated on (from, to, document, code) except 05.
 */
import { randomUUID } from 'node:crypto';
import type { BusinessStatusCode } from './business-codes';
import type { ExchangeDeps } from './exchange-deps';
import { insertStatus } from './status-repository';

/** A status to record. */
export interface NewStatus {
  id?: string;
  messageId: string | null;
  from: string;
  to: string;
  documentId: string;
  code: BusinessStatusCode;
  description: string;
  staffInfo?: unknown;
  at: Date;
}

/** The outcome: `duplicate` when an equal status (not 05) was recorded before and this one is ignored. */
export interface RecordedStatus {
  id: string;
  duplicate: boolean;
}

/** Stores the status and enqueues its relay when needed. */
export async function recordStatus(deps: ExchangeDeps, s: NewStatus): Promise<RecordedStatus> {
  const id = s.id ?? randomUUID();
  const addressee = await deps.agencies.findAgency(s.to);
  const needsRelay = !!addressee && (addressee.axis !== 'local' || addressee.delivery.mode === 'push');
  const inserted = await insertStatus(deps.db, { ...s, id }, needsRelay);
  if (inserted && needsRelay) await enqueueStatusRelay(deps, id, s.to);
  return { id, duplicate: !inserted };
}

/** Queues the relay of a stored status; a failed enqueue is left to the sweeper. */
export async function enqueueStatusRelay(deps: ExchangeDeps, statusId: string, receiverCode: string): Promise<void> {
  try {
    await deps.queue.enqueue([{ kind: 'status', statusId, receiverCode }]);
  } catch (e) {
    deps.logger.warn({ err: e, statusId }, 'status relay enqueue failed; the sweeper will re-enqueue');
  }
}
