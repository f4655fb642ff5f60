/**
 * Issuing a receipt, as a story: check the idempotency key, price the items, then in ONE
 * transaction take the next number (row lock), build and sign the XML, render the PDF with the
 * XML embedded, apply the organisation's PAdES signature, store both files and insert the row.
 * A failure anywhere rolls the number back, so numbers stay gapless (Decree 123 Art. 32.2.c).
 */
import type { Transaction } from 'kysely';
import { AppError } from '../errors';
import { crockfordBase32, hashAccessToken, newAccessToken } from '../documents/document-ids';
import { randomBytes } from 'node:crypto';
import type { Tables } from '../registry/tables';
import { amountInWords } from './amount-in-words';
import { type Receipt, type ReceiptItem, type RelatedReceipt, receiptTitleFor } from './receipt-model';
import { renderReceiptPdf } from './receipt-pdf';
import { priceItems, receiptRequestSchema, requestFingerprint, type ReceiptRequest, type ReceiptRequestInput } from './receipt-request';
import type { ReceiptKind } from './receipt-tables';
import { buildReceiptXml } from './receipt-xml';
import { type IssuedReceipt, type ReceiptRow, type ReceiptsDeps, receiptLookupUrl, toIssuedReceipt } from './receipts-deps';
import { allocateReceiptNumber, formatReceiptNumber, receiptSymbolFor } from './series';
import { signReceiptPdf } from './sign-receipt-pdf';
import { signXmlEnveloped } from './xml-signature';

/** Who asks (an API principal or the CLI), recorded on the row. */
export type Actor = string;

/** A receipt ready to be numbered: the parsed request, priced, and its place in a correction. */
export interface ReceiptDraft {
  request: ReceiptRequest;
  items: ReceiptItem[];
  kind: ReceiptKind;
  related?: RelatedReceipt;
  originalId?: string;
  /** Runs inside the issuing transaction after the row is inserted (mark original, payment...). */
  afterInsert?: (trx: Transaction<Tables>, receiptId: string) => Promise<void>;
}

/** A new receipt id: 'BL-' (biên lai) + 16 Crockford base32 characters (80 random bits). */
export function newReceiptId(): string {
  return `BL-${crockfordBase32(randomBytes(10))}`;
}

/** Issues a receipt for a request; a retry with the same idempotency key returns the first. */
export async function issueReceipt(deps: ReceiptsDeps, input: ReceiptRequestInput | unknown, actor: Actor): Promise<IssuedReceipt> {
  const request = parseRequest(input);
  const items = await priceItems(deps.db, request.agencyCode, request.items);
  return issueDraft(deps, { request, items, kind: 'original' }, actor);
}

/** Numbers, signs, renders, stores and records a draft (shared by issue, corrections, payments). */
export async function issueDraft(deps: ReceiptsDeps, draft: ReceiptDraft, actor: Actor): Promise<IssuedReceipt> {
  const { request } = draft;
  const fingerprint = requestFingerprint({ ...request, kind: draft.kind, originalId: draft.originalId });
  const existing = await findByIdempotencyKey(deps, request.collector.taxCode, request.idempotencyKey);
  if (existing) return replay(deps, existing, fingerprint);

  const key = await deps.organisationKey(request.agencyCode);
  const total = draft.items.reduce((sum, i) => sum + i.amount, 0);
  const totalInWords = amountInWords(total);
  const id = newReceiptId();
  const token = newAccessToken();
  const lookupUrl = receiptLookupUrl(deps.publicBaseUrl, id, token);
  try {
    const row = await deps.db.transaction().execute(async (trx) => {
      const issuedAt = (deps.now ?? (() => new Date()))();
      const series = { collectorTaxCode: request.collector.taxCode, templateSymbol: request.templateSymbol, symbol: receiptSymbolFor(issuedAt) };
      const number = await allocateReceiptNumber(trx, series);
      const receipt: Receipt = {
        id,
        title: receiptTitleFor(request.templateSymbol),
        ...series,
        number,
        issuedAt,
        agencyCode: request.agencyCode,
        dossierCode: request.dossierCode,
        collector: request.collector,
        payer: request.payer,
        items: draft.items,
        total,
        totalInWords,
        paymentMethod: request.paymentMethod,
        related: draft.related,
      };
      const xml = Buffer.from(await signXmlEnveloped(buildReceiptXml(receipt), key, { signingTime: issuedAt, insertBefore: '</TCThu></DSCKS>' }), 'utf8');
      const xmlFileName = `bienlai-${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(number)}.xml`;
      const unsigned = await renderReceiptPdf({ receipt, signedXml: xml, xmlFileName, lookupUrl, fonts: deps.fonts });
      const pdf = await signReceiptPdf(unsigned, key, issuedAt);
      const [xmlSha256, pdfSha256] = await Promise.all([deps.store.put(xml), deps.store.put(pdf)]);
      const inserted = await trx
        .insertInto('receipts')
        .values({
          id,
          collector_tax_code: series.collectorTaxCode,
          template_symbol: series.templateSymbol,
          symbol: series.symbol,
          number,
          idempotency_key: request.idempotencyKey,
          request_sha256: fingerprint,
          agency_code: request.agencyCode,
          dossier_code: request.dossierCode ?? null,
          issued_at: issuedAt,
          total,
          payment_method: request.paymentMethod,
          kind: draft.kind,
          original_id: draft.originalId ?? null,
          status: 'issued',
          replaced_by: null,
          data: JSON.stringify({ receipt, lookupToken: token, xmlFileName }),
          xml_sha256: xmlSha256,
          pdf_sha256: pdfSha256,
          access_token_hash: hashAccessToken(token),
          created_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (draft.afterInsert) await draft.afterInsert(trx, id);
      return inserted;
    });
    return toIssuedReceipt(row as ReceiptRow, deps.publicBaseUrl);
  } catch (e) {
    // A concurrent retry with the same key committed first: answer with its receipt.
    const winner = await findByIdempotencyKey(deps, request.collector.taxCode, request.idempotencyKey);
    if (winner) return replay(deps, winner, fingerprint);
    if (e instanceof AppError) throw e;
    throw new AppError('INTERNAL', `The receipt could not be issued: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/** Validates a request body (VALIDATION_FAILED lists every problem). */
export function parseRequest(input: unknown): ReceiptRequest {
  const parsed = receiptRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The receipt request is invalid: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}

async function findByIdempotencyKey(deps: ReceiptsDeps, taxCode: string, key: string): Promise<ReceiptRow | undefined> {
  return deps.db.selectFrom('receipts').selectAll().where('collector_tax_code', '=', taxCode).where('idempotency_key', '=', key).executeTakeFirst();
}

function replay(deps: ReceiptsDeps, row: ReceiptRow, fingerprint: string): IssuedReceipt {
  if (row.request_sha256 !== fingerprint) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for a different receipt request.', {
      receiptId: row.id,
    });
  }
  return toIssuedReceipt(row, deps.publicBaseUrl);
}
