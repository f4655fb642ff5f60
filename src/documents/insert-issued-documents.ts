/**
 * Group commit for issued documents: the rows of documents issued at about the same time (the
 * signing requests in flight) are written together, every document row and its audit event in
 * one multi-row statement, instead of one statement each. A statement's fixed cost (parse, plan,
 * commit and, on embedded PGlite, the WASM round trip) then falls on the batch; each caller still
 * learns the outcome of its own row. If a batch fails, its rows are retried one by one so that
 * one bad row (say a duplicate id) fails alone.
 */
import type { Insertable, Kysely } from 'kysely';
import type { AuditEventsTable, DocumentsTable, Tables } from '../registry/tables';

/** One document to insert with its audit event. */
export interface IssuedRows {
  document: Insertable<DocumentsTable>;
  event: Insertable<AuditEventsTable>;
}

interface Pending extends IssuedRows {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Rows per statement (bounded so a statement's parameters stay well under PostgreSQL's 65535). */
const MAX_BATCH = 200;

interface Queue {
  pending: Pending[];
  /** A flush is running: rows that arrive meanwhile wait for it and go in the next statement. */
  flushing: boolean;
  scheduled: boolean;
}

const queues = new WeakMap<Kysely<Tables>, Queue>();

async function insertRows(db: Kysely<Tables>, rows: IssuedRows[]): Promise<void> {
  await db
    .with('d', (q) => q.insertInto('documents').values(rows.map((r) => r.document)))
    .insertInto('audit_events')
    .values(rows.map((r) => r.event))
    .execute();
}

async function flush(db: Kysely<Tables>, batch: Pending[]): Promise<void> {
  try {
    await insertRows(db, batch);
    for (const p of batch) p.resolve();
  } catch (e) {
    if (batch.length === 1) {
      batch[0].reject(e);
      return;
    }
    await Promise.all(batch.map((p) => insertRows(db, [p]).then(p.resolve, p.reject)));
  }
}

/**
 * Inserts a document row and its audit event atomically, together with the rows of other
 * documents issued in the same turn of the event loop; resolves when its row is committed.
 */
export function insertIssuedDocument(db: Kysely<Tables>, rows: IssuedRows): Promise<void> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { pending: [], flushing: false, scheduled: false }));
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.pending.push({ ...rows, resolve, reject });
    schedule(db, q);
  });
}

/**
 * One statement in flight per database: a commit's fixed cost (on embedded PGlite a synchronous
 * WAL write in this thread) is paid once for every row that arrived while the previous one ran,
 * so batches grow with the load instead of the statements.
 */
function schedule(db: Kysely<Tables>, q: Queue): void {
  if (q.scheduled || q.flushing || q.pending.length === 0) return;
  q.scheduled = true;
  setImmediate(() => {
    q.scheduled = false;
    q.flushing = true;
    const batches: Pending[][] = [];
    while (q.pending.length) batches.push(q.pending.splice(0, MAX_BATCH));
    void Promise.all(batches.map((b) => flush(db, b))).finally(() => {
      q.flushing = false;
      schedule(db, q);
    });
  });
}
