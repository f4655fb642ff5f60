/**
 * Statuses travel back to the sender the same way documents travel out (issue 5 item 4): a
 * sender that pulls reads them by time range; a push sender gets them POSTed to its webhook; a
 * sender hosted by a peer axis gets them relayed there. Bookkeeping in exchange_statuses.relay_*.
 */
import { AppError, isAppError } from '../errors';
import type { Attempt, DeliveryOutcome } from './delivery-job';
import type { ExchangeDeps } from './exchange-deps';
import { relayStatusToPeer } from './federation-client';
import { postSigned } from './post-signed';
import { markStatusRelay } from './status-repository';

/** Relays one stored status to `receiverCode` (the original sender). */
export async function relayStatus(deps: ExchangeDeps, statusId: string, receiverCode: string, attempt: Attempt): Promise<DeliveryOutcome> {
  const row = await deps.db.selectFrom('exchange_statuses').selectAll().where('id', '=', statusId).executeTakeFirst();
  if (!row || row.relay_status !== 'queued') return 'skipped';
  const status = {
    id: row.id, messageId: row.message_id, from: row.from_code, to: row.to_code, documentId: row.document_id,
    code: row.code, description: row.description, staffInfo: row.staff_info ?? undefined, at: new Date(row.at).toISOString(),
  };
  try {
    const agency = await deps.agencies.findAgency(receiverCode);
    if (!agency) throw new AppError('EXCHANGE_DELIVERY_FAILED', `The status receiver ${receiverCode} is unknown.`, { permanent: true });
    if (agency.axis !== 'local') await relayStatusToPeer(deps, status, agency.axis);
    else if (agency.delivery.mode === 'push') {
      await postSigned(deps, agency.delivery.webhookUrl, agency.delivery.hmacSecret, JSON.stringify({ kind: 'status', status }), `status-${statusId}@${receiverCode}`);
    }
    await markStatusRelay(deps.db, statusId, 'delivered');
    return 'delivered';
  } catch (e) {
    const failure = isAppError(e) ? e : new AppError('EXCHANGE_DELIVERY_FAILED', String((e as Error)?.message ?? e), { permanent: false });
    const isDead = failure.details?.permanent === true || attempt.number >= attempt.max;
    await markStatusRelay(deps.db, statusId, isDead ? 'dead' : 'failed', failure.message);
    throw failure.code === 'EXCHANGE_DELIVERY_FAILED' ? failure : new AppError('EXCHANGE_DELIVERY_FAILED', failure.message, { permanent: isDead });
  }
}
