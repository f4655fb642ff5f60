/**
 * A receiver reports what it did with a document (issue 5 item 4): edXML status codes 01..06,
 * 13, 15, 16. Only an agency the message was addressed to may report on it; the status goes to
 * the original sender, deduplicated except 05.
 */
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { findDelivery } from './delivery-repository';
import { getMessage } from './message-repository';
import { recordStatus, type RecordedStatus } from './record-status';
import type { StatusInput } from './status-message';

/** Posts a status from `callerCode` about message `messageId`. */
export async function postStatus(deps: ExchangeDeps, callerCode: string, messageId: string, input: StatusInput): Promise<RecordedStatus & { code: string }> {
  const m = await getMessage(deps.db, messageId);
  if (!(await findDelivery(deps.db, messageId, callerCode))) {
    throw new AppError('EXCHANGE_NOT_A_RECEIVER', `${callerCode} is not a receiver of message ${messageId}.`);
  }
  const r = await recordStatus(deps, {
    messageId, from: callerCode, to: m.fromCode, documentId: m.documentId, code: input.code,
    description: input.description, staffInfo: input.staffInfo, at: deps.now?.() ?? new Date(),
  });
  return { ...r, code: input.code };
}
