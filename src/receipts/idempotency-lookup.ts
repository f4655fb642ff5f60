/**
 * The idempotency pre-check of issuing ("a retried request never issues two receipts", issue 6
 * item 3), grouped: the lookups asked in the same turn of the event loop (concurrent requests,
 * or the issuers of a batch answered together) share ONE query per collector,
 * `where collector_tax_code = $1 and idempotency_key in (...)`, instead of one query each. On
 * embedded PGlite a query costs about a millisecond of the event loop whatever it returns, so
 * this was the largest per-receipt database cost. The lookup starts on setImmediate (no timer: a
 * lone request waits for nothing but its own query). It is only a shortcut: the unique key
 * (collector_tax_code, idempotency_key) is what guarantees one receipt per key.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import type { ReceiptRow } from './receipts-deps';

interface Waiter {
  resolve(row: ReceiptRow | undefined): void;
  reject(e: unknown): void;
}

/** Most keys in one query (bind parameters stay far below PostgreSQL's 65 535). */
const MAX_KEYS = 500;

/** Groups idempotency lookups per turn; see the module comment. */
export class IdempotencyLookup {
  /** collector tax code → idempotency key → who waits for it */
  private pending = new Map<string, Map<string, Waiter[]>>();

  constructor(private readonly db: Kysely<Tables>) {}

  /** The receipt issued by `taxCode` under `key`, if any. */
  find(taxCode: string, key: string): Promise<ReceiptRow | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(() => this.flush());
      let byKey = this.pending.get(taxCode);
      if (!byKey) this.pending.set(taxCode, (byKey = new Map()));
      const waiters = byKey.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else byKey.set(key, [{ resolve, reject }]);
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    for (const [taxCode, byKey] of batch) {
      const keys = [...byKey.keys()];
      for (let i = 0; i < keys.length; i += MAX_KEYS) void this.lookUp(taxCode, keys.slice(i, i + MAX_KEYS), byKey);
    }
  }

  private async lookUp(taxCode: string, keys: string[], waiting: Map<string, Waiter[]>): Promise<void> {
    try {
      const rows = await this.db.selectFrom('receipts').selectAll().where('collector_tax_code', '=', taxCode).where('idempotency_key', 'in', keys).execute();
      const found = new Map(rows.map((r) => [r.idempotency_key, r as ReceiptRow]));
      for (const key of keys) for (const w of waiting.get(key)!) w.resolve(found.get(key));
    } catch (e) {
      for (const key of keys) for (const w of waiting.get(key)!) w.reject(e);
    }
  }
}
