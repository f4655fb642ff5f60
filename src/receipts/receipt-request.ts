/**
 * The issuing request (POST /api/v1/receipts, `kyso receipt issue REQUEST.json`) and how its items
 * are priced: catalogue items name a procedure and a fee (the amount comes from the catalogue);
 * free items carry their own name, kind and unit price (for adjustments and agencies without a
 * catalogue entry).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Tables } from '../registry/tables';
import { findFee } from './fee-catalog';
import type { ReceiptItem } from './receipt-model';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The collecting organisation; `bankBin` is needed only for VietQR payment requests. */
export const collectorSchema = z.object({
  name: text(300),
  taxCode: z.string().regex(/^\d{10}(-\d{3})?$/, 'a tax code (MST) is 10 digits, or 10-3'),
  address: text(500),
  phone: text(30).optional(),
  bankAccount: z.string().regex(/^[0-9A-Za-z]{1,19}$/).optional(),
  bankName: text(100).optional(),
  bankBin: z.string().regex(/^\d{6}$/).optional(),
});

export const payerSchema = z
  .object({
    name: text(300),
    taxCode: z.string().regex(/^\d{10}(-\d{3})?$/).optional(),
    personalId: z.string().regex(/^\d{12}$/, 'a personal identification number (CCCD) is 12 digits').optional(),
    address: text(500).optional(),
    bankAccount: z.string().regex(/^[0-9A-Za-z]{1,19}$/).optional(),
  });

const catalogItemSchema = z.object({
  procedureCode: text(64),
  feeCode: text(64),
  quantity: z.number().int().min(1).max(100000).default(1),
});

const freeItemSchema = z.object({
  name: text(300),
  kind: z.enum(['phi', 'le_phi']),
  unitPrice: z.number().int().min(0).max(1e12),
  quantity: z.number().int().min(1).max(100000).default(1),
});

/** A receipt request. */
export const receiptRequestSchema = z.object({
  /** Client-supplied key: a retried request with the same key returns the same receipt. */
  idempotencyKey: z.string().trim().min(8).max(128),
  agencyCode: text(32),
  collector: collectorSchema,
  payer: payerSchema,
  /** Mã hồ sơ of the one-stop dossier (the VNPT receipt `key` is the dossier code, §2.7). */
  dossierCode: text(64).optional(),
  items: z.array(z.union([catalogItemSchema, freeItemSchema])).min(1).max(100),
  paymentMethod: z.enum(['cash', 'transfer', 'card', 'qr']),
  /** EBL01 (no face value, the default) or EBL02 (face value). */
  templateSymbol: z.enum(['EBL01', 'EBL02']).default('EBL01'),
});
export type ReceiptRequest = z.infer<typeof receiptRequestSchema>;
export type ReceiptRequestInput = z.input<typeof receiptRequestSchema>;

/** SHA-256 of the request as parsed: the same key with another request is a conflict. */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

/** Prices the items: catalogue amounts for catalogue items, `quantity × unitPrice` otherwise. */
export async function priceItems(db: Kysely<Tables>, agencyCode: string, items: ReceiptRequest['items']): Promise<ReceiptItem[]> {
  const priced: ReceiptItem[] = [];
  for (const item of items) {
    if ('feeCode' in item) {
      const fee = await findFee(db, agencyCode, item.procedureCode, item.feeCode);
      priced.push({
        procedureCode: fee.procedureCode,
        procedureName: fee.procedureName,
        feeCode: fee.code,
        name: fee.name,
        kind: fee.kind,
        quantity: item.quantity,
        unitPrice: fee.amount,
        amount: fee.amount * item.quantity,
      });
    } else {
      priced.push({ name: item.name, kind: item.kind, quantity: item.quantity, unitPrice: item.unitPrice, amount: item.unitPrice * item.quantity });
    }
  }
  return priced;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
