/**
 * Numbering a batch of prepared receipts of one (collector MST, template): take consecutive
 * numbers and the time of issue, then per receipt patch the number in, sign the XML, finish the
 * prepared page, apply the PAdES signature; store the files, insert the rows, run the
 * after-insert steps, commit. Everything that does not depend on the number (pricing, words, ids,
 * QR, the page body) was done before.
 *
 * Optimistic first: the next number is read without a lock (or, while the batch before on the
 * same series is still in flight, taken as the one after that batch's numbers), the receipts are
 * signed and their files stored durably (fsync) with the numbers that follow, and only then one
 * short transaction claims exactly those numbers (compare-and-set), inserts the rows and commits.
 * So the series row is locked for the INSERT and COMMIT only, not through signatures and fsyncs;
 * embedded PGlite (one connection) stays free meanwhile; and the next batch signs while this one
 * waits for its fsyncs. If the numbers were taken by someone else in between (another process,
 * or the batch before failed), the work is redone under the lock, which always progresses. Either
 * way the numbers are taken in the transaction that records the receipts (Decree 123 Art.
 * 32.2.c) and the files are durable before it commits.
 */
import type { Insertable, Transaction } from 'kysely';
import type { KeyHandle } from '../keys/key-handle';
import type { Tables } from '../registry/tables';
import type { ReceiptPageText } from './receipt-layout';
import type { Receipt } from './receipt-model';
import { renderReceiptPdf } from './receipt-pdf';
import type { PreparedReceiptPdf, ReceiptPdfKit } from './receipt-pdf-kit';
import { insertClaimed, recordOf, type RecordedReceipt } from './receipt-record';
import type { ReceiptKind, ReceiptsTable } from './receipt-tables';
import { buildReceiptXml } from './receipt-xml';
import type { IssuedRow, ReceiptsDeps } from './receipts-deps';
import { allocateReceiptNumbers, claimReceiptNumbers, formatReceiptNumber, MAX_RECEIPT_NUMBER, peekNextReceiptNumber, receiptSymbolFor, type SeriesKey } from './series';
import { RECEIPT_SIGNATURE_FIELD, RECEIPT_SIGNATURE_REASON, signReceiptPdf } from './sign-receipt-pdf';
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

/** What a batch tells the next batch of its series, so that it can number right after it before it commits. */
export interface Numbering {
  /** The series and the first number after this batch's, once chosen; undefined when it numbers under the lock. */
  readonly next: Promise<{ series: SeriesKey; first: number } | undefined>;
  /** Settles when the batch is done: true if it committed the numbers announced in `next`. */
  readonly committed: Promise<boolean>;
}

/** A batch under way: its numbering (for the next batch) and its rows, in job order. */
export interface IssuingBatch {
  numbering: Numbering;
  rows: Promise<IssuedRow[]>;
}

/** The year changed between taking the symbol and the time of issue: the symbol must be taken again. */
class YearChanged extends Error {}

/** Issues `jobs` (same collector and template), right after `before` when it is still in flight. */
export function issueBatch(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[], before?: Numbering): IssuingBatch {
  const next = settleOnce<{ series: SeriesKey; first: number } | undefined>();
  const committed = settleOnce<boolean>();
  const rows = (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        const done = await optimistic(deps, kit, jobs, attempt === 0 ? before : undefined, next.resolve);
        if (done) {
          committed.resolve(true);
          return done;
        }
        next.resolve(undefined);
        return await underLock(deps, kit, jobs);
      } catch (e) {
        next.resolve(undefined);
        if (!(e instanceof YearChanged) || attempt > 0) throw e;
      }
    }
  })();
  // finished otherwise (under the lock, or failed): the next batch must read the counter itself
  const finished = () => {
    next.resolve(undefined);
    committed.resolve(false);
  };
  rows.then(finished, finished);
  return { numbering: { next: next.promise, committed: committed.promise }, rows };
}

async function optimistic(
  deps: ReceiptsDeps,
  kit: ReceiptPdfKit,
  jobs: PreparedIssue[],
  before: Numbering | undefined,
  announce: (next: { series: SeriesKey; first: number }) => void,
): Promise<IssuedRow[] | undefined> {
  const clock = deps.now ?? (() => new Date());
  const series = seriesOf(jobs, clock());
  if (isContended(deps, series)) return undefined;
  const predicted = before ? await before.next : undefined;
  const follows = predicted !== undefined && predicted.series.symbol === series.symbol;
  // a batch before that numbers under the lock or in another year: read the counter after it
  if (before && !follows) await before.committed;
  const first = follows ? predicted.first : await peekNextReceiptNumber(deps.db, series);
  if (first + jobs.length - 1 > MAX_RECEIPT_NUMBER) return undefined; // the locked path says why
  // Taken after the counter was read (or after the batch before took its time): a later number
  // never gets an earlier time.
  const issuedAt = issueTime(clock, series);
  announce({ series, first: first + jobs.length });
  const records = await signAndStore(deps, kit, jobs, series, first, issuedAt);
  // numbers right after the batch before are ours only once it committed them
  if (follows && !(await before!.committed)) return undefined;
  const claimed =
    first > 1 && !jobs.some((j) => j.afterInsert)
      ? (await insertClaimed(deps.db, series, first, records))
        ? records.map((r) => r.row)
        : undefined
      : // a new series (its row is created by the claim) or after-insert steps: a transaction
        await deps.db.transaction().execute(async (trx) => ((await claimReceiptNumbers(trx, series, first, jobs.length)) ? insertRows(trx, jobs, records) : undefined));
  if (!claimed) markContended(deps, series);
  return claimed;
}

/**
 * Series on which someone else (another process) took the numbers between our read and our claim,
 * and until when: there optimistic batches would be signed twice, so for a while they number
 * under the lock first, as one batch at a time always did. One process per series (the usual
 * deployment) never gets here.
 */
const contention = new WeakMap<ReceiptsDeps, Map<string, number>>();
const CONTENDED_MS = 2000;
const seriesId = (s: SeriesKey) => `${s.collectorTaxCode}/${s.templateSymbol}/${s.symbol}`;

function isContended(deps: ReceiptsDeps, series: SeriesKey): boolean {
  const until = contention.get(deps)?.get(seriesId(series));
  return until !== undefined && Date.now() < until;
}

function markContended(deps: ReceiptsDeps, series: SeriesKey): void {
  let bySeries = contention.get(deps);
  if (!bySeries) contention.set(deps, (bySeries = new Map()));
  if (bySeries.size > 1000) bySeries.clear();
  bySeries.set(seriesId(series), Date.now() + CONTENDED_MS);
}

function underLock(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[]): Promise<IssuedRow[]> {
  const clock = deps.now ?? (() => new Date());
  return deps.db.transaction().execute(async (trx) => {
    const series = seriesOf(jobs, clock());
    const first = await allocateReceiptNumbers(trx, series, jobs.length);
    // The time of issue is taken under the lock, so that numbers and times rise together.
    const records = await signAndStore(deps, kit, jobs, series, first, issueTime(clock, series));
    return insertRows(trx, jobs, records);
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
function signAndStore(deps: ReceiptsDeps, kit: ReceiptPdfKit, jobs: PreparedIssue[], series: SeriesKey, first: number, issuedAt: Date): Promise<RecordedReceipt[]> {
  return Promise.all(
    jobs.map(async (job, i) => {
      const receipt: Receipt = { ...job.page.receipt, symbol: series.symbol, number: first + i, issuedAt };
      const xml = Buffer.from(await signXmlEnveloped(buildReceiptXml(receipt), job.key, { signingTime: issuedAt, insertBefore: '</TCThu></DSCKS>' }), 'utf8');
      const xmlKey = deps.store.put(xml); // durable while the PDF is rendered and signed
      xmlKey.catch(() => undefined); // awaited below
      const xmlFileName = `bienlai-${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(receipt.number)}.xml`;
      const signature = { key: job.key, signingTime: issuedAt, fieldName: RECEIPT_SIGNATURE_FIELD, reason: RECEIPT_SIGNATURE_REASON };
      const pdf = job.prepared
        ? await kit.finishSigned(job.prepared, { receipt, signedXml: xml, xmlFileName }, signature)
        : await signReceiptPdf(await renderReceiptPdf({ receipt, signedXml: xml, xmlFileName, lookupUrl: job.page.lookupUrl, fonts: deps.fonts }), job.key, issuedAt);
      const [xmlSha256, pdfSha256] = await Promise.all([xmlKey, deps.store.put(pdf)]);
      return recordOf(receipt, job, { xmlFileName, xmlSha256, pdfSha256 });
    }),
  );
}

/** Inserts the rows, runs the after-insert steps (in the same transaction); rows in job order. */
async function insertRows(trx: Transaction<Tables>, jobs: PreparedIssue[], records: RecordedReceipt[]): Promise<IssuedRow[]> {
  // No RETURNING: the rows are what was inserted (an INSERT writes all its rows or fails), and
  // decoding 32 returned rows with their JSON cost PGlite more than inserting them.
  const values: Insertable<ReceiptsTable>[] = records.map((r) => r.insert);
  await trx.insertInto('receipts').values(values).execute();
  for (const job of jobs) if (job.afterInsert) await job.afterInsert(trx, job.page.receipt.id);
  return records.map((r) => r.row);
}

/** A promise with its first resolve() kept (later ones ignored). */
function settleOnce<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let settled = false;
  let resolveFn!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolveFn = r));
  return {
    promise,
    resolve: (value) => {
      if (settled) return;
      settled = true;
      resolveFn(value);
    },
  };
}
