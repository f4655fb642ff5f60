/**
 * Issuing a receipt, as a story: check the idempotency key, price the items, prepare everything
 * that does not depend on the number (id, lookup token, total in words, the page body and QR),
 * then queue it on its series: a batch of receipts takes consecutive numbers under the series
 * row lock, is signed (XML, then PAdES over the PDF that embeds it), stored and inserted in ONE
 * transaction (issue-batch.ts). A failure anywhere rolls the numbers back, so numbers stay gapless
 * (Decree 123 Art. 32.2.c); a failing batch is retried one receipt at a time (series-batcher.ts).
 */
import type { Transaction } from 'kysely';
import { AppError } from '../errors';
import { crockfordBase32, newAccessToken } from '../documents/document-ids';
import { randomBytes } from 'node:crypto';
import type { Tables } from '../registry/tables';
import { amountInWords } from './amount-in-words';
import { IdempotencyLookup } from './idempotency-lookup';
import { issueBatch, type Numbering, type PreparedIssue } from './issue-batch';
import type { UnnumberedReceipt } from './receipt-layout';
import { type ReceiptItem, type RelatedReceipt, receiptTitleFor } from './receipt-model';
import { receiptPdfKitFor, type PreparedReceiptPdf, type ReceiptPdfKit } from './receipt-pdf-kit';
import { priceItems, receiptRequestSchema, requestFingerprint, type ReceiptRequest, type ReceiptRequestInput } from './receipt-request';
import type { ReceiptKind } from './receipt-tables';
import { type IssuedReceipt, type IssuedRow, type ReceiptRow, type ReceiptsDeps, receiptLookupUrl, toIssuedReceipt } from './receipts-deps';
import { SeriesBatcher } from './series-batcher';

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

/** One batcher per deps object (its database, store and keys), created on first use. */
const batchers = new WeakMap<ReceiptsDeps, SeriesBatcher<PreparedIssue, IssuedRow, Numbering>>();

function batcherFor(deps: ReceiptsDeps, kit: ReceiptPdfKit): SeriesBatcher<PreparedIssue, IssuedRow, Numbering> {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = new SeriesBatcher((jobs, before) => {
      const batch = issueBatch(deps, kit, jobs, before);
      return { results: batch.rows, handoff: batch.numbering };
    });
    batchers.set(deps, batcher);
  }
  return batcher;
}

/** Numbers, signs, renders, stores and records a draft (shared by issue, corrections, payments). */
export async function issueDraft(deps: ReceiptsDeps, draft: ReceiptDraft, actor: Actor): Promise<IssuedReceipt> {
  const { request } = draft;
  const fingerprint = requestFingerprint({ ...request, kind: draft.kind, originalId: draft.originalId });
  const existing = await findByIdempotencyKey(deps, request.collector.taxCode, request.idempotencyKey);
  if (existing) return replay(deps, existing, fingerprint);

  const [key, kit] = await Promise.all([deps.organisationKey(request.agencyCode), receiptPdfKitFor(deps.fonts)]);
  const token = newAccessToken();
  const receipt = unnumberedReceipt(request, draft);
  const page = { receipt, lookupUrl: receiptLookupUrl(deps.publicBaseUrl, receipt.id, token) };
  const job: PreparedIssue = {
    page,
    prepared: prepareBody(kit, page),
    key,
    token,
    idempotencyKey: request.idempotencyKey,
    fingerprint,
    kind: draft.kind,
    originalId: draft.originalId,
    actor,
    afterInsert: draft.afterInsert,
  };
  try {
    const row = await batcherFor(deps, kit).submit(`${request.collector.taxCode}/${request.templateSymbol}`, job);
    return toIssuedReceipt(row, deps.publicBaseUrl);
  } catch (e) {
    // A concurrent retry with the same key committed first: answer with its receipt.
    const winner = await findByIdempotencyKey(deps, request.collector.taxCode, request.idempotencyKey);
    if (winner) return replay(deps, winner, fingerprint);
    if (e instanceof AppError) throw e;
    throw new AppError('INTERNAL', `The receipt could not be issued: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/** The receipt without its symbol, number and time of issue (taken under the series lock). */
function unnumberedReceipt(request: ReceiptRequest, draft: ReceiptDraft): UnnumberedReceipt {
  const total = draft.items.reduce((sum, i) => sum + i.amount, 0);
  return {
    id: newReceiptId(),
    title: receiptTitleFor(request.templateSymbol),
    templateSymbol: request.templateSymbol,
    agencyCode: request.agencyCode,
    dossierCode: request.dossierCode,
    collector: request.collector,
    payer: request.payer,
    items: draft.items,
    total,
    totalInWords: amountInWords(total),
    paymentMethod: request.paymentMethod,
    related: draft.related,
  };
}

/** The page body from the cached subsets, or undefined when a text needs other glyphs. */
function prepareBody(kit: ReceiptPdfKit, page: { receipt: UnnumberedReceipt; lookupUrl: string }): PreparedReceiptPdf | undefined {
  try {
    return kit.prepare(page);
  } catch (e) {
    if (e instanceof AppError && e.code === 'STAMP_SPEC_INVALID') return undefined;
    throw e;
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

/** One grouped lookup per database (idempotency-lookup.ts). */
const lookups = new WeakMap<ReceiptsDeps['db'], IdempotencyLookup>();

function findByIdempotencyKey(deps: ReceiptsDeps, taxCode: string, key: string): Promise<ReceiptRow | undefined> {
  let lookup = lookups.get(deps.db);
  if (!lookup) lookups.set(deps.db, (lookup = new IdempotencyLookup(deps.db)));
  return lookup.find(taxCode, key);
}

function replay(deps: ReceiptsDeps, row: IssuedRow, fingerprint: string): IssuedReceipt {
  if (row.request_sha256 !== fingerprint) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for a different receipt request.', {
      receiptId: row.id,
    });
  }
  return toIssuedReceipt(row, deps.publicBaseUrl);
}
