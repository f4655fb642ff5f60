/**
 * The part of issuing that holds the series row lock, for a batch of prepared receipts of one
 * (collector MST, template): allocate consecutive numbers, take the time of issue, then per
 * receipt patch the number in, sign the XML, finish the prepared page, apply the PAdES signature;
 * store the files, insert the rows, run the after-insert steps, commit. Everything that does not
 * depend on the number (pricing, words, ids, QR, the page body) was done before, outside.
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
import { allocateReceiptNumbers, formatReceiptNumber, receiptSymbolFor, type SeriesKey } from './series';
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

/** The year changed while waiting for the lock: the symbol must be taken again. */
class YearChanged extends Error {}

/** Issues `jobs` (same collector and template) in one transaction; rows in job order. */
export async function issueBatch(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[]): Promise<ReceiptRow[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.transaction().execute((trx) => numberSignStore(deps, kit, trx, jobs));
    } catch (e) {
      if (!(e instanceof YearChanged) || attempt > 0) throw e;
    }
  }
}

async function numberSignStore(deps: ReceiptsDeps, kit: ReceiptPdfKit, trx: Transaction<Tables>, jobs: PreparedIssue[]): Promise<ReceiptRow[]> {
  const clock = deps.now ?? (() => new Date());
  const head = jobs[0]!.page.receipt;
  const series: SeriesKey = { collectorTaxCode: head.collector.taxCode, templateSymbol: head.templateSymbol, symbol: receiptSymbolFor(clock()) };
  const first = await allocateReceiptNumbers(trx, series, jobs.length);
  // The time of issue is taken under the lock, so that numbers and times rise together.
  const issuedAt = clock();
  if (receiptSymbolFor(issuedAt) !== series.symbol) throw new YearChanged();
  // Every receipt of the batch is signed and stored concurrently: the private-key operations run
  // on the thread pool, so both cores work while the series row stays locked.
  const rows: Insertable<ReceiptsTable>[] = await Promise.all(
    jobs.map(async (job, i) => {
      const receipt: Receipt = { ...job.page.receipt, symbol: series.symbol, number: first + i, issuedAt };
      const xml = Buffer.from(await signXmlEnveloped(buildReceiptXml(receipt), job.key, { signingTime: issuedAt, insertBefore: '</TCThu></DSCKS>' }), 'utf8');
      const xmlFileName = `bienlai-${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(receipt.number)}.xml`;
      const unsigned = job.prepared
        ? kit.finish(job.prepared, { receipt, signedXml: xml, xmlFileName })
        : await renderReceiptPdf({ receipt, signedXml: xml, xmlFileName, lookupUrl: job.page.lookupUrl, fonts: deps.fonts });
      const pdf = await signReceiptPdf(unsigned, job.key, issuedAt);
      const [xmlKey, pdfKey] = await Promise.all([deps.store.put(xml), deps.store.put(pdf)]);
      return { ...rowOf(receipt, job, xmlFileName), xml_sha256: xmlKey, pdf_sha256: pdfKey };
    }),
  );
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
