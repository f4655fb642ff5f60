/**
 * Numbering a batch of prepared receipts of one (collector MST, template): take consecutive
 * numbers and the time of issue, then per receipt patch the number in, sign the XML, finish the
 * prepared page, apply the PAdES signature; store the files, insert the rows, run the
 * after-insert steps, commit. Everything that does not depend on the number (pricing, words, ids,
 * QR, the page body) was done before.
 */
import type { Insertable, Transaction } from 'kysely';
import { hashAccessToken } from '../documents/document-ids';
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import type { Tables } from '../registry/tables';
import type { ReceiptPageText } from './receipt-layout';
import type { Receipt } from './receipt-model';
import { renderReceiptPdf } from './receipt-pdf';
import type { PreparedReceiptPdf, ReceiptPdfKit } from './receipt-pdf-kit';
import type { ReceiptKind, ReceiptsTable } from './receipt-tables';
import { buildReceiptXml } from './receipt-xml';
import type { ReceiptRow, ReceiptsDeps } from './receipts-deps';
import { allocateReceiptNumbers, claimReceiptNumbers, formatReceiptNumber, MAX_RECEIPT_NUMBER, peekNextReceiptNumber, receiptSymbolFor, type SeriesKey } from './series';
import { signReceiptPdf } from './sign-receipt-pdf';
import { signXmlEnveloped } from './xml-signature';

/** A receipt ready for its number: everything computed before the lock. */
export interface PreparedIssue {
  page: ReceiptPageText;
  /** The laid-out body; absent when the text needs glyphs outside the cached subsets (pdf-lib then). */
  prepared?: PreparedReceiptPdf;
  key: KeyHandle;
  token: string;
  idempotencyKey: string;
  fingerprint: string;
  kind: ReceiptKind;
  originalId?: string;
  actor: string;
  afterInsert?: (trx: Transaction<Tables>, receiptId: string) => Promise<void>;
}

/** The year changed between taking the symbol and the time of issue: the symbol must be taken again. */
class YearChanged extends Error {}

/**
 * Issues `jobs` (same collector and template); rows in job order. Optimistic first: the next
 * number is read without a lock, the receipts are signed and their files stored durably (fsync)
 * with the numbers that follow it, and only then one short transaction claims exactly those
 * numbers (compare-and-set), inserts the rows and commits. So the series row is locked for the
 * INSERT and COMMIT only, not through the signatures and fsyncs, and embedded PGlite (one
 * connection) stays free for other queries meanwhile. If another issuer numbered in between
 * (another process) the work is redone under the lock, which always progresses. Either way the
 * numbers are taken in the transaction that records the receipts (Decree 123 Art. 32.2.c) and the
 * files are durable before it commits.
 */
export async function issueBatch(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[]): Promise<ReceiptRow[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await optimistic(deps, kit, jobs)) ?? (await underLock(deps, kit, jobs));
    } catch (e) {
      if (!(e instanceof YearChanged) || attempt > 0) throw e;
    }
  }
}

async function optimistic(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[]): Promise<ReceiptRow[] | undefined> {
  const clock = deps.now ?? (() => new Date());
  const series = seriesOf(jobs, clock());
  const first = await peekNextReceiptNumber(deps.db, series);
  if (first + jobs.length - 1 > MAX_RECEIPT_NUMBER) return undefined; // the locked path says why
  // Taken after the read: a later number never gets an earlier time (a batch that claims numbers
  // after ours read the counter after our commit, so after this time).
  const issuedAt = issueTime(clock, series);
  const rows = await signAndStore(deps, kit, jobs, series, first, issuedAt);
  return deps.db.transaction().execute(async (trx) => ((await claimReceiptNumbers(trx, series, first, jobs.length)) ? insertRows(trx, jobs, rows) : undefined));
}

function underLock(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[]): Promise<ReceiptRow[]> {
  const clock = deps.now ?? (() => new Date());
  return deps.db.transaction().execute(async (trx) => {
    const series = seriesOf(jobs, clock());
    const first = await allocateReceiptNumbers(trx, series, jobs.length);
    // The time of issue is taken under the lock, so that numbers and times rise together.
    const rows = await signAndStore(deps, kit, jobs, series, first, issueTime(clock, series));
    return insertRows(trx, jobs, rows);
  });
}

function seriesOf(jobs: PreparedIssue[], now: Date): SeriesKey {
  const head = jobs[0]!.page.receipt;
  return { collectorTaxCode: head.collector.taxCode, templateSymbol: head.templateSymbol, symbol: receiptSymbolFor(now) };
}

function issueTime(clock: () => Date, series: SeriesKey): Date {
  const issuedAt = clock();
  if (receiptSymbolFor(issuedAt) !== series.symbol) throw new YearChanged();
  return issuedAt;
}

/**
 * Numbers `first`, `first + 1`... in job order, signs the XML, finishes the page, applies the
 * PAdES signature and stores both files; resolves once every file is durable. The receipts are
 * processed concurrently: the private-key operations run on the thread pool, so both cores work.
 */
function signAndStore(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[], series: SeriesKey, first: number, issuedAt: Date): Promise<Insertable<ReceiptsTable>[]> {
  return Promise.all(
    jobs.map(async (job, i) => {
      const receipt: Receipt = { ...job.page.receipt, symbol: series.symbol, number: first + i, issuedAt };
      const xml = Buffer.from(await signXmlEnveloped(buildReceiptXml(receipt), job.key, { signingTime: issuedAt, insertBefore: '</TCThu></DSCKS>' }), 'utf8');
      const xmlKey = deps.store.put(xml); // durable while the PDF is rendered and signed
      xmlKey.catch(() => undefined); // awaited below
      const xmlFileName = `bienlai-${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(receipt.number)}.xml`;
      const unsigned = job.prepared
        ? kit.finish(job.prepared, { receipt, signedXml: xml, xmlFileName })
        : await renderReceiptPdf({ receipt, signedXml: xml, xmlFileName, lookupUrl: job.page.lookupUrl, fonts: deps.fonts });
      const pdf = await signReceiptPdf(unsigned, job.key, issuedAt);
      const [xmlSha256, pdfSha256] = await Promise.all([xmlKey, deps.store.put(pdf)]);
      return { ...rowOf(receipt, job, xmlFileName), xml_sha256: xmlSha256, pdf_sha256: pdfSha256 };
    }),
  );
}

/** Inserts the rows, runs the after-insert steps (in the same transaction); rows in job order. */
async function insertRows(trx: Transaction<Tables>, jobs: PreparedIssue[], rows: Insertable<ReceiptsTable>[]): Promise<ReceiptRow[]> {
  const inserted = await trx.insertInto('receipts').values(rows).returningAll().execute();
  for (const job of jobs) if (job.afterInsert) await job.afterInsert(trx, job.page.receipt.id);
  const byId = new Map(inserted.map((r) => [r.id, r as ReceiptRow]));
  return jobs.map((job) => {
    const row = byId.get(job.page.receipt.id);
    if (!row) throw new AppError('INTERNAL', `The receipt ${job.page.receipt.id} was not recorded.`);
    return row;
  });
}

function rowOf(receipt: Receipt, job: PreparedIssue, xmlFileName: string): Insertable<ReceiptsTable> {
  return {
    id: receipt.id,
    collector_tax_code: receipt.collector.taxCode,
    template_symbol: receipt.templateSymbol,
    symbol: receipt.symbol,
    number: receipt.number,
    idempotency_key: job.idempotencyKey,
    request_sha256: job.fingerprint,
    agency_code: receipt.agencyCode,
    dossier_code: receipt.dossierCode ?? null,
    issued_at: receipt.issuedAt,
    total: receipt.total,
    payment_method: receipt.paymentMethod,
    kind: job.kind,
    original_id: job.originalId ?? null,
    status: 'issued',
    replaced_by: null,
    data: JSON.stringify({ receipt, lookupToken: job.token, xmlFileName }),
    xml_sha256: '',
    pdf_sha256: '',
    access_token_hash: hashAccessToken(job.token),
    created_by: job.actor,
  };
}
