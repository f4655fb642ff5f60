/**
 * Composition root: loadConfig() -> build adapters -> start roles (api | worker | all). SIGTERM
 * and SIGINT drain: stop accepting requests, let in-flight work finish, close adapters.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createLogger, type Logger } from './log';
import { buildServices, type Services } from './compose';
import { createApp } from './http/app';

/** A running service: its address (when the api role runs) and a stop function. */
export interface RunningService {
  address?: AddressInfo;
  services: Services;
  stop(): Promise<void>;
}

/** Starts the roles named by config.ROLE. */
export async function startService(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningService> {
  const services = await buildServices(config, logger);
  const stops: (() => Promise<void>)[] = [];
  let address: AddressInfo | undefined;

  if (config.ROLE === 'api' || config.ROLE === 'all') {
    const app = createApp({ logger, mounts: services.mounts, health: services.health });
    const { citizenFastPath, exchangeFastPath } = services;
    // the hot requests (citizen pages, exchange send and ack) skip Express's per-request setup
    const server = http.createServer((req, res) => {
      if (!exchangeFastPath(req, res) && !citizenFastPath(req, res)) app(req, res);
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, resolve);
    });
    address = server.address() as AddressInfo;
    logger.info({ port: address.port, baseUrl: config.PUBLIC_BASE_URL }, 'kyso api listening');
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
  }
  if (config.ROLE === 'worker' || config.ROLE === 'all') {
    const stopWorker = await services.startWorker();
    stops.push(stopWorker);
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops) await s();
      await services.close();
      logger.info('kyso stopped');
    })());
  return { address, services, stop };
}

/** Drains on SIGTERM/SIGINT, with a hard deadline. */
export function drainOnSignals(running: RunningService, graceMs: number, logger: Logger): void {
  const onSignal = (signal: string) => {
    logger.info({ signal }, 'draining');
    const timer = setTimeout(() => {
      logger.error('drain deadline passed; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    running.stop().then(
      () => process.exit(0),
      (e) => {
        logger.error({ err: e }, 'error while draining');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
