/**
 * The exchange's hot writes, group-committed (see group-commit.ts): accepting messages (one
 * statement for the batch, then ONE addBulk of every delivery job of the batch, after the
 * commit), marking pull deliveries delivered (one statement per batch in the worker) and
 * acknowledging pull deliveries with their status 01 (one statement per batch). Built
 * once per process by buildExchange; without it the use cases write one item at a time through
 * the same statements.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../log';
import type { Tables } from '../registry/tables';
import { acknowledgeDeliveries, markDeliveredMany, type Acknowledgement, type AckRequest, type DeliveredMark } from './delivery-repository';
import { groupCommit, type GroupCommitOptions } from './group-commit';
import { insertAcceptedMessages, type AcceptedMessage } from './message-repository';
import type { DeliveryQueue } from './ports';

/** Batched writers. */
export interface ExchangeBatches {
  /** Stores the message (true) or answers false for a taken NEW DocumentId; its jobs are enqueued after commit. */
  accept(m: AcceptedMessage): Promise<boolean>;
  /** {@link markDeliveredMany} for one delivery. */
  markDelivered(mark: DeliveredMark): Promise<boolean>;
  /** {@link acknowledgeDeliveries} for one acknowledgement (pull inbox). */
  acknowledge(ack: AckRequest): Promise<Acknowledgement>;
}

/**
 * Builds the batched writers over `db` and `queue`. Accepts and acknowledgements keep ONE batch
 * in flight (the classic group commit: the next batch gathers everything that arrived during
 * the current commit): each statement and each Redis pipeline costs a few hundred µs of API CPU
 * on this machine whatever its size, and a request waits at most one commit more. Pull deliveries
 * (worker) keep two, their latency is the one the benchmark's p99 measures.
 */
export function createExchangeBatches(db: Kysely<Tables>, queue: DeliveryQueue, logger: Logger, opts: GroupCommitOptions = {}): ExchangeBatches {
  const oneInFlight = { maxInFlight: 1, ...opts };
  const accept = groupCommit(async (ms: AcceptedMessage[]) => {
    const stored = await insertAcceptedMessages(db, ms);
    await enqueueAfterCommit(queue, logger, ms.filter((_, i) => stored[i]));
    return stored;
  }, oneInFlight);
  const markDelivered = groupCommit((marks: DeliveredMark[]) => markDeliveredMany(db, marks), opts);
  const acknowledge = groupCommit((acks: AckRequest[]) => acknowledgeDeliveries(db, acks), oneInFlight);
  return { accept, markDelivered, acknowledge };
}

/**
 * One job per (message, receiver), carrying ids only. A failed enqueue after commit is not an
 * error: the sweeper re-enqueues queued deliveries whose jobs are missing, so the 202 holds.
 */
export async function enqueueAfterCommit(queue: DeliveryQueue, logger: Logger, ms: readonly Pick<AcceptedMessage, 'id' | 'receivers'>[]): Promise<void> {
  const jobs = ms.flatMap((m) => m.receivers.map((receiverCode) => ({ kind: 'message' as const, messageId: m.id, receiverCode })));
  try {
    await queue.enqueue(jobs);
  } catch (e) {
    logger.warn({ err: e, messages: ms.map((m) => m.id) }, 'enqueue after commit failed; the sweeper will re-enqueue');
  }
}
