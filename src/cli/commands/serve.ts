/** `kyso serve` and `kyso worker`: the long-running service roles. */
import { loadConfig } from '../../config';
import { createLogger } from '../../log';
import { drainOnSignals, startService } from '../../main';
import type { CliIo } from '../io';

async function serveWithRole(io: CliIo, role?: 'worker'): Promise<number> {
  const config = loadConfig(role ? { ...io.env, ROLE: role } : io.env, io.cwd);
  const logger = createLogger(config.LOG_LEVEL);
  const running = await startService(config, logger);
  drainOnSignals(running, config.SHUTDOWN_GRACE_MS, logger);
  await new Promise<never>(() => undefined);
  return 0;
}

/** Runs the roles from ROLE (default all). */
export async function run(_args: string[], io: CliIo): Promise<number> {
  return serveWithRole(io);
}

/** Runs only the exchange delivery worker. */
export async function runWorker(_args: string[], io: CliIo): Promise<number> {
  return serveWithRole(io, 'worker');
}
