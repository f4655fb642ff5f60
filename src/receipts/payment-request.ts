/**
 * Payment requests (issue 6 item 5): the fee of a dossier as a VietQR payload (domain notes §4)
 * to the collecting agency's account, with the dossier code as transfer note; confirming the
 * payment issues the receipt (idempotently: confirming twice returns the same receipt).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { type Actor, issueDraft, parseRequest } from './issue-receipt';
import { priceItems, type ReceiptRequest } from './receipt-request';
import type { IssuedReceipt, ReceiptsDeps } from './receipts-deps';
import { buildVietQr, toTransferNote } from './vietqr';

/** A created payment request. */
export interface PaymentRequest {
  id: string;
  /** The collecting agency (only its key, or the administrator, may confirm). */
  agencyCode: string;
  total: number;
  /** EMVCo payload to draw as a QR. */
  vietqr: string;
  status: 'pending' | 'paid';
  receiptId: string | null;
}

/** Prices the request and builds the VietQR payload; the receipt request is kept for confirmation. */
export async function createPaymentRequest(deps: ReceiptsDeps, input: unknown): Promise<PaymentRequest> {
  const request = parseRequest(input);
  const { bankBin, bankAccount } = request.collector;
  if (!bankBin || !bankAccount) {
    throw new AppError('VALIDATION_FAILED', 'A payment request needs the collector bankBin and bankAccount.');
  }
  const items = await priceItems(deps.db, request.agencyCode, request.items);
  const total = items.reduce((s, i) => s + i.amount, 0);
  const id = `TT-${randomUUID()}`;
  const vietqr = buildVietQr({
    bin: bankBin,
    account: bankAccount,
    amount: total,
    purpose: toTransferNote(request.dossierCode ?? id.slice(3, 15)),
  });
  await deps.db
    .insertInto('payment_requests')
    .values({ id, agency_code: request.agencyCode, total, vietqr, request: JSON.stringify(request), status: 'pending', receipt_id: null, paid_at: null })
    .execute();
  return { id, agencyCode: request.agencyCode, total, vietqr, status: 'pending', receiptId: null };
}

/** Reads a payment request; PAYMENT_NOT_FOUND when absent. */
export async function getPaymentRequest(deps: ReceiptsDeps, id: string): Promise<PaymentRequest> {
  const row = await deps.db.selectFrom('payment_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', `Payment request ${id} does not exist.`);
  return { id: row.id, agencyCode: row.agency_code, total: Number(row.total), vietqr: row.vietqr, status: row.status, receiptId: row.receipt_id };
}

/** Confirms the payment: issues the receipt (method QR) and marks the request paid, together. */
export async function confirmPayment(deps: ReceiptsDeps, id: string, actor: Actor): Promise<IssuedReceipt> {
  const row = await deps.db.selectFrom('payment_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('PAYMENT_NOT_FOUND', `Payment request ${id} does not exist.`);
  const stored = row.request as unknown as ReceiptRequest;
  const request = parseRequest({ ...stored, idempotencyKey: `payment:${id}`, paymentMethod: 'qr' });
  const items = await priceItems(deps.db, request.agencyCode, request.items);
  if (items.reduce((s, i) => s + i.amount, 0) !== Number(row.total)) {
    throw new AppError('CONFLICT', 'The catalogue changed since the payment request; the paid amount no longer matches.');
  }
  return issueDraft(
    deps,
    {
      request,
      items,
      kind: 'original',
      afterInsert: async (trx, receiptId) => {
        await trx
          .updateTable('payment_requests')
          .set({ status: 'paid', receipt_id: receiptId, paid_at: new Date() })
          .where('id', '=', id)
          .execute();
      },
    },
    actor,
  );
}
