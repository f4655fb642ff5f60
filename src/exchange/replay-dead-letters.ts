/**
 * Operator replay of dead letters (issue 5 item 3; Domibus lets an admin re-send SEND_FAILURE
 * messages): dead deliveries of a message go back to `queued` with a fresh retry budget and a
 * new job. BullMQ keeps no dead-letter queue of its own, so the dead state lives in the registry.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { resetDead } from './delivery-repository';
import { getMessage } from './message-repository';

/** Replays the dead deliveries of `messageId` (or only `receiverCode`'s). */
export async function replayDeadLetters(deps: ExchangeDeps, messageId: string, receiverCode?: string): Promise<{ id: string; replayed: string[] }> {
  await getMessage(deps.db, messageId);
  await deps.queue.assertAvailable();
  const replayed = await resetDead(deps.db, messageId, receiverCode);
  if (replayed.length === 0) {
    throw new AppError('EXCHANGE_NOTHING_TO_REPLAY', `Message ${messageId} has no dead-lettered delivery${receiverCode ? ` to ${receiverCode}` : ''}.`);
  }
  const jobs = replayed.map((r) => ({ kind: 'message' as const, messageId, receiverCode: r }));
  for (const j of jobs) await deps.queue.remove(j);
  await deps.queue.enqueue(jobs);
  return { id: messageId, replayed };
}
