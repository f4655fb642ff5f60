/**
 * The exchange worker loop, started by the composition root for ROLE=worker or ROLE=all: the
 * BullMQ delivery worker plus the sweeper (at start, then periodically) that re-enqueues open
 * deliveries whose jobs Redis lost. Returns the drain function main.ts calls on SIGTERM: stop the
 * sweeper, then let active jobs finish (worker.close()).
 */
import type { ExchangeDeps } from '../../exchange/exchange-deps';
import { startDeliveryWorker, type DeliveryWorkerOptions } from '../../exchange/queue-worker';
import { sweepDeliveries } from '../../exchange/sweep-deliveries';

/** Options of {@link startExchangeWorker}. */
export interface ExchangeWorkerOptions extends DeliveryWorkerOptions {
  /** Sweeper period, ms; 0 = sweep once at start only. @defaultValue 15000 */
  sweepIntervalMs?: number;
  /** Deliveries untouched for this long are checked by the sweeper, ms. @defaultValue 10000 */
  sweepOlderThanMs?: number;
}

/** Starts the delivery worker and the sweeper; resolves to the drain function. */
export async function startExchangeWorker(deps: ExchangeDeps, opts: ExchangeWorkerOptions): Promise<() => Promise<void>> {
  const running = startDeliveryWorker(deps, opts);
  const olderThanMs = opts.sweepOlderThanMs ?? 10_000;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    sweeping = sweepDeliveries(deps, { olderThanMs }).catch((e: unknown) =>
      deps.logger.warn({ err: (e as Error).message }, 'exchange sweeper could not run (Redis or database away); will retry'));
  };
  sweep();
  const period = opts.sweepIntervalMs ?? 15_000;
  const timer = period > 0 ? setInterval(sweep, period) : undefined;
  timer?.unref();
  return async () => {
    if (timer) clearInterval(timer);
    await sweeping;
    await running.close();
  };
}
