/**
 * The sweeper: open deliveries (and queued status relays) whose job is no longer in Redis are
 * enqueued again. Run at start and periodically, it makes the registry, not Redis, the source of
 * truth: a Redis restart that loses the last second of AOF, or an enqueue that failed after the
 * commit, never loses an accepted message (issue 5 reliability checks).
 */
import { sql } from 'kysely';
import type { DeliveryJob } from './delivery-job';
import type { ExchangeDeps } from './exchange-deps';
import { listStaleOpen } from './delivery-repository';

/** Options of {@link sweepDeliveries}. */
export interface SweepOptions {
  /** Only rows untouched for this long are considered. @defaultValue 5000 */
  olderThanMs?: number;
  /** Rows per sweep. @defaultValue 1000 */
  limit?: number;
}

/** Re-enqueues missing jobs; returns how many. */
export async function sweepDeliveries(deps: ExchangeDeps, opts: SweepOptions = {}): Promise<number> {
  const olderThanMs = opts.olderThanMs ?? 5000;
  const limit = opts.limit ?? 1000;
  const open = await listStaleOpen(deps.db, olderThanMs, limit);
  const statuses = await deps.db.selectFrom('exchange_statuses').select(['id', 'to_code'])
    .where('relay_status', '=', 'queued')
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .limit(limit).execute();
  const candidates: DeliveryJob[] = [
    ...open.map((d) => ({ kind: 'message' as const, ...d })),
    ...statuses.map((s) => ({ kind: 'status' as const, statusId: s.id, receiverCode: s.to_code })),
  ];
  if (candidates.length === 0) return 0;
  const missing = await deps.queue.findMissing(candidates);
  if (missing.length > 0) {
    await deps.queue.enqueue(missing);
    deps.logger.info({ count: missing.length }, 'sweeper re-enqueued deliveries whose jobs were missing');
  }
  return missing.length;
}
