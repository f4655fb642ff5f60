/**
 * Corrections (Decree 123 Art. 19 as amended by Decree 70/2025; domain notes §2.8): an adjusting
 * receipt (increase, decrease, information only) or a replacing receipt, each a NEW numbered
 * receipt that references the original by template, symbol, number and date. The original is
 * never edited except its status, a 04/SS-CTĐT-style notice is recorded, and a replaced receipt
 * can be neither adjusted nor replaced again (VNPT receipt API rule).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors';
import { type Actor, issueDraft, parseRequest } from './issue-receipt';
import type { Receipt } from './receipt-model';
import { priceItems, receiptRequestSchema } from './receipt-request';
import type { ReceiptKind } from './receipt-tables';
import type { IssuedReceipt, ReceiptsDeps } from './receipts-deps';

/** A correction request: what changes; what is not given is taken from the original. */
export const correctionSchema = z.object({
  idempotencyKey: z.string().trim().min(8).max(128),
  kind: z.enum(['adjust_increase', 'adjust_decrease', 'adjust_information', 'replacement']),
  reason: z.string().trim().min(1).max(500),
  /** Items of the new receipt: the difference for adjustments, the full list for a replacement. */
  items: receiptRequestSchema.shape.items.optional(),
  payer: receiptRequestSchema.shape.payer.optional(),
  paymentMethod: receiptRequestSchema.shape.paymentMethod.optional(),
  dossierCode: z.string().trim().min(1).max(64).optional(),
});
export type CorrectionRequest = z.input<typeof correctionSchema>;

/** Issues the adjusting or replacing receipt for `originalId`. */
export async function correctReceipt(deps: ReceiptsDeps, originalId: string, input: unknown, actor: Actor): Promise<IssuedReceipt> {
  const parsed = correctionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The correction is invalid: ${problems.join('; ')}`, { problems });
  }
  const correction = parsed.data;
  const original = await deps.db.selectFrom('receipts').selectAll().where('id', '=', originalId).executeTakeFirst();
  if (!original) throw new AppError('RECEIPT_NOT_FOUND', `Receipt ${originalId} does not exist.`);
  assertCorrectable(original.status, originalId);
  if (correction.kind !== 'replacement' && correction.kind !== 'adjust_information' && !correction.items) {
    throw new AppError('VALIDATION_FAILED', 'An increase or decrease adjustment lists the items of the difference.');
  }

  const before = (original.data as { receipt: Receipt }).receipt;
  const request = parseRequest({
    idempotencyKey: correction.idempotencyKey,
    agencyCode: original.agency_code,
    collector: before.collector,
    payer: correction.payer ?? before.payer,
    dossierCode: correction.dossierCode ?? before.dossierCode,
    items: correction.items ?? before.items.map(({ name, kind, unitPrice, quantity }) => ({ name, kind, unitPrice, quantity })),
    paymentMethod: correction.paymentMethod ?? before.paymentMethod,
    templateSymbol: original.template_symbol,
  });
  const priced = await priceItems(deps.db, request.agencyCode, request.items);
  const kind = correction.kind as Exclude<ReceiptKind, 'original'>;
  return issueDraft(
    deps,
    {
      request,
      items: kind === 'adjust_information' ? priced.map((i) => ({ ...i, unitPrice: 0, amount: 0 })) : priced,
      kind,
      originalId,
      related: {
        kind,
        templateSymbol: original.template_symbol,
        symbol: original.symbol,
        number: Number(original.number),
        issuedAt: new Date(original.issued_at),
        reason: correction.reason,
      },
      afterInsert: async (trx, newId) => {
        // Lock the original, re-check under the lock (a concurrent replacement may have won).
        const locked = await trx.selectFrom('receipts').select('status').where('id', '=', originalId).forUpdate().executeTakeFirstOrThrow();
        assertCorrectable(locked.status, originalId);
        await trx
          .updateTable('receipts')
          .set(kind === 'replacement' ? { status: 'replaced', replaced_by: newId } : { status: 'adjusted' })
          .where('id', '=', originalId)
          .execute();
        await trx
          .insertInto('receipt_notices')
          .values({ id: randomUUID(), receipt_id: originalId, new_receipt_id: newId, kind, reason: correction.reason })
          .execute();
      },
    },
    actor,
  );
}

function assertCorrectable(status: string, id: string): void {
  if (status === 'replaced') {
    throw new AppError('RECEIPT_ALREADY_REPLACED', `Receipt ${id} was replaced; it can be neither adjusted nor replaced again.`);
  }
}
