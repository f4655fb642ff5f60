/**
 * The delivery worker's handler (issue 5 item 3), one run per job attempt:
 * pull receivers get the message marked delivered into their inbox; push receivers get a POST to
 * their webhook signed with HMAC (2xx = delivered); receivers hosted by another axis get it
 * relayed there. Every state change is conditional (idempotent under BullMQ's at-least-once).
 * A failure is recorded as `failed` (retried with backoff) or `dead` once the retry budget is
 * spent or the failure is permanent; the thrown AppError says which (`details.permanent`).
 */
import { AppError, isAppError } from '../errors';
import type { Attempt, DeliveryJob, DeliveryOutcome } from './delivery-job';
import type { ExchangeDeps } from './exchange-deps';
import type { ExchangeAgency } from './ports';
import { markDelivered, recordFailure, startAttempt } from './delivery-repository';
import { getMessage } from './message-repository';
import { buildPushedMessage } from './push-payload';
import { relayStatus } from './relay-status';
import { postSigned } from './post-signed';
import { relayMessageToPeer } from './federation-client';


/** Runs one job. Throws AppError EXCHANGE_DELIVERY_FAILED on failure. */
export async function deliverJob(deps: ExchangeDeps, job: DeliveryJob, attempt: Attempt): Promise<DeliveryOutcome> {
  if (job.kind === 'status') return relayStatus(deps, job.statusId, job.receiverCode, attempt);
  const { messageId, receiverCode } = job;
  const agency = await deps.agencies.findAgency(receiverCode);
  if (agency && agency.axis === 'local' && agency.delivery.mode === 'pull') {
    // The pull inbox needs no network step: attempt and delivery are one conditional transaction.
    const mark = { messageId, receiverCode, hopAgency: receiverCode, event: 'delivered', countsAttempt: true };
    const changed = deps.batches ? await deps.batches.markDelivered(mark) : await markDelivered(deps.db, messageId, receiverCode, receiverCode, 'delivered', true);
    return changed ? 'delivered' : 'skipped';
  }
  if (!(await startAttempt(deps.db, messageId, receiverCode))) return 'skipped';
  try {
    if (!agency) throw permanent(`The receiver ${receiverCode} is not in the agency directory.`);
    return (await deliverRemote(deps, agency, messageId, receiverCode)) ? 'delivered' : 'skipped';
  } catch (e) {
    const failure = asDeliveryFailure(e);
    const isDead = failure.details?.permanent === true || attempt.number >= attempt.max;
    await recordFailure(deps.db, messageId, receiverCode, failure.message, isDead);
    throw failure;
  }
}

/** Push to a webhook, or relay to the peer axis hosting the receiver. */
async function deliverRemote(deps: ExchangeDeps, agency: ExchangeAgency, messageId: string, receiverCode: string): Promise<boolean> {
  const pushed = await buildPushedMessage(deps, await getMessage(deps.db, messageId));
  if (agency.axis !== 'local') {
    await relayMessageToPeer(deps, pushed, receiverCode, agency.axis);
    return markDelivered(deps.db, messageId, receiverCode, deps.options.axisName, 'relayed');
  }
  if (agency.delivery.mode !== 'push') throw permanent(`The receiver ${receiverCode} has no push delivery.`);
  await postSigned(deps, agency.delivery.webhookUrl, agency.delivery.hmacSecret, JSON.stringify(pushed), `${messageId}@${receiverCode}`);
  return markDelivered(deps.db, messageId, receiverCode, receiverCode);
}

/** A permanent failure: no retry, straight to the dead-letter state. */
export function permanent(message: string): AppError {
  return new AppError('EXCHANGE_DELIVERY_FAILED', message, { permanent: true });
}

function asDeliveryFailure(e: unknown): AppError {
  if (isAppError(e, 'EXCHANGE_DELIVERY_FAILED')) return e;
  if (isAppError(e, 'EXCHANGE_MESSAGE_NOT_FOUND')) return permanent(e.message);
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('EXCHANGE_DELIVERY_FAILED', `Delivery attempt failed: ${message}`, { permanent: false }, { cause: e });
}
