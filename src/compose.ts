/**
 * Builds every adapter and use case from the configuration and hands the HTTP layer its routers.
 * The only place where concrete adapters (files, PGlite/pg, Redis) meet the core.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config';
import type { PdfLimits } from './pdf/limits';
import type { Logger } from './log';
import type { Mount } from './http/app';
import { adminAuthenticator } from './http/auth';
import { registryAuthenticator } from './http/registry-authenticator';
import { createAgenciesRouter } from './http/routes/agencies-router';
import { createDocumentsRouter } from './http/routes/documents-router';
import { openDatabase, type Database } from './registry/database';
import { FsDocumentStore } from './storage/fs-document-store';
import type { DocumentStore } from './storage/document-store';
import type { DocumentsDeps } from './documents/document';
import { createCitizenRouter } from './web/citizen-router';
import type { CitizenFastPath } from './web/citizen-fast-path';
import { configureCitizenViewCache } from './documents/citizen-view-cache';
import { scheduleAuditSeal } from './audit/seal-audit-events';
import { createSignRequest } from './documents/sign-request';
import { createSigningWorkers } from './documents/signing-workers';
import { stampImagesFromDirectory } from './documents/stamp-images-fs';
import { createStampKit } from './stamp/stamp-kit';
import { loadTinosFonts } from './stamp/load-tinos-fonts';
import { createReceiptsRouter } from './http/routes/receipts-router';
import { createPkiRouter, type PkiRouterDeps } from './http/routes/pki-router';
import { buildExchange } from './exchange/build-exchange';
import { createExchangeRouter } from './http/routes/exchange-router';
import type { ExchangeFastPath } from './http/routes/exchange-hot-routes';
import { startExchangeWorker } from './cli/commands/worker';
import { organisationKeyFromStore } from './receipts/organisation-key';
import { citizenCheckFromReport } from './web/citizen-check';
import { createSignRouter } from './http/routes/sign-router';
import { createVerifyRouter } from './http/routes/verify-router';
import { loadKeyStoreFromFile } from './keys/load-key-store-fs';
import type { KeyStore } from './keys/load-key-store';
import { directoryTrustAnchorSource } from './trust/directory-trust-anchor-source';
import { certificatesFromBytes, loadTrustStore, staticTrustAnchorSource, type TrustStore } from './trust/trust-store';
import { createVerificationContext } from './trust/verification-context';
import { verifyPdf } from './verification/verify-pdf';
import type { VerificationReport } from './verification/report';

/** The project root (for certs-dev and assets when no configuration names them). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Everything the roles need, built once. */
export interface Services {
  config: Config;
  keys: KeyStore;
  trustStore: TrustStore;
  database: Database;
  store: DocumentStore;
  documents: DocumentsDeps;
  verify: (pdf: Uint8Array, at?: Date) => Promise<VerificationReport>;
  mounts: Mount[];
  /** Answers cached citizen pages before Express (issue 4 performance); false = not handled. */
  citizenFastPath: CitizenFastPath;
  /** Send and ack of the exchange answered before Express (the relay's hot requests, same handlers). */
  exchangeFastPath: ExchangeFastPath;
  health: () => Promise<Record<string, unknown>>;
  /** Starts the exchange worker; returns its drain function. */
  startWorker: () => Promise<() => Promise<void>>;
  close: () => Promise<void>;
}

/** Trust anchors: TRUST_DIR, or the development root in development. */
export async function openTrustStore(config: Pick<Config, 'TRUST_DIR'>): Promise<TrustStore> {
  if (config.TRUST_DIR) return loadTrustStore(directoryTrustAnchorSource(config.TRUST_DIR));
  const root = readFileSync(path.join(PROJECT_ROOT, 'certs-dev', 'root.crt'));
  return loadTrustStore(staticTrustAnchorSource(certificatesFromBytes(root)));
}

/** Input limits for one request: the configured sizes and a deadline MAX_PDF_MILLIS from now. */
export function pdfLimitsOf(config: Config): () => Partial<PdfLimits> {
  return () => ({
    maxBytes: config.MAX_PDF_BYTES,
    maxObjects: config.MAX_PDF_OBJECTS,
    maxDepth: config.MAX_PDF_DEPTH,
    maxDecompressedBytes: config.MAX_DECOMPRESSED_BYTES,
    deadlineMs: Date.now() + config.MAX_PDF_MILLIS,
  });
}

/**
 * The development PKI publishes its CA certificates, CRLs and an OCSP responder at the URLs its
 * certificates name, when the key index is a development PKI (it lists CRLs and a dev-ocsp key).
 */
function devPkiRouter(keysFile: string, keys: KeyStore) {
  const index = JSON.parse(readFileSync(keysFile, 'utf8')) as Partial<PkiRouterDeps['index']>;
  const aliases = new Set(index.identities?.map((i) => i.alias));
  if (!index.crls || !index.identities || !aliases.has('dev-ocsp') || !aliases.has('dev-gov-ca')) return undefined;
  const dir = path.dirname(keysFile);
  return createPkiRouter({
    readFile: (name) => readFile(path.join(dir, path.basename(name))),
    index: index as PkiRouterDeps['index'],
    keys,
    ocspResponderAlias: 'dev-ocsp',
    ocspIssuerAlias: 'dev-gov-ca',
  });
}

/** 'up' or why the exchange queue's Redis cannot be reached (the rest of kyso works without it). */
async function redisHealth(queue: { assertAvailable(): Promise<void> }): Promise<string> {
  try {
    await queue.assertAvailable();
    return 'up';
  } catch (e) {
    return `down: ${(e as Error).message}`;
  }
}

/** Builds the services of one process. */
export async function buildServices(config: Config, logger: Logger): Promise<Services> {
  const keysFile = config.KEYS_FILE ?? path.join(PROJECT_ROOT, 'certs-dev', 'index.json');
  const keys = loadKeyStoreFromFile(keysFile, { resolvePin: (name) => config.keyPins[name] });
  const trustStore = await openTrustStore(config);
  const limits = pdfLimitsOf(config);
  const verify = (pdf: Uint8Array, at?: Date) =>
    verifyPdf(pdf, createVerificationContext({ trustStore, now: at ?? new Date(), limits: limits() }));
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const store = new FsDocumentStore(path.join(config.dataDir, 'files'));
  // Audit events are hash-chained by a batched sealer; every writer's events are sealed within a
  // second even when it does not schedule a seal itself (agency, key and status changes).
  const sealTimer = setInterval(() => scheduleAuditSeal(database.db), 1000);
  sealTimer.unref();
  const documents: DocumentsDeps = { db: database.db, store, publicBaseUrl: config.PUBLIC_BASE_URL };
  const auth = adminAuthenticator(config.ADMIN_API_KEY, registryAuthenticator(database.db));

  const fonts = loadTinosFonts();
  const stamp = await createStampKit(fonts);
  const signWorkers = config.SIGN_WORKERS > 0 ? createSigningWorkers({ size: config.SIGN_WORKERS, fonts }) : undefined;
  const keysDir = path.dirname(keysFile);
  const signRequest = createSignRequest({
    keys,
    stamp,
    workers: signWorkers,
    documents,
    limits,
    // Per-key images beside the key configuration; the samples stand in during development.
    imagesFor: stampImagesFromDirectory(keysDir, config.KEYS_FILE ? undefined : path.join(PROJECT_ROOT, 'samples')),
  });
  const receipts = { db: database.db, store, organisationKey: organisationKeyFromStore(keys), fonts, publicBaseUrl: config.PUBLIC_BASE_URL };

  configureCitizenViewCache(database.db, { ttlMs: config.CITIZEN_CACHE_TTL_MS });
  const citizen = createCitizenRouter({
    documents,
    verifyPdf: async (pdf) => citizenCheckFromReport(await verify(pdf)),
    rateLimitPerMinute: config.PUBLIC_RATE_LIMIT,
    maxUploadBytes: config.MAX_PDF_BYTES,
  });
  const exchange = buildExchange({
    db: database.db,
    files: store,
    verify: (pdf) => verify(pdf),
    redisUrl: config.REDIS_URL,
    logger,
    keys,
    options: {
      acceptIndeterminate: config.EXCHANGE_ACCEPT_INDETERMINATE,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      federationSecret: config.EXCHANGE_FEDERATION_SECRET,
    },
  });

  const exchangeRouter = createExchangeRouter({ auth, exchange: exchange.deps });
  const mounts: Mount[] = [
    { path: '/', router: exchangeRouter },
    { path: '/api/v1', router: createSignRouter({ auth, keys, maxPdfBytes: config.MAX_PDF_BYTES, signRequest }) },
    { path: '/', router: createReceiptsRouter({ auth, receipts, perMinute: config.PUBLIC_RATE_LIMIT }) },
    { path: '/api/v1', router: createVerifyRouter({ verify, maxPdfBytes: config.MAX_PDF_BYTES, perMinute: config.PUBLIC_RATE_LIMIT }) },
    { path: '/', router: createDocumentsRouter({ auth, documents }) },
    { path: '/', router: createAgenciesRouter({ auth, db: database.db }) },
    { path: '/', router: citizen },
  ];
  const devPki = devPkiRouter(keysFile, keys);
  if (devPki) mounts.push({ path: '/', router: devPki });
  if (!config.ADMIN_API_KEY) logger.warn('ADMIN_API_KEY is not set: administrator endpoints refuse every call');

  return {
    config,
    keys,
    trustStore,
    database,
    store,
    documents,
    verify,
    mounts,
    citizenFastPath: citizen.fastPath,
    exchangeFastPath: exchangeRouter.fastPath,
    health: async () => ({ keys: keys.list().length, database: database.driver, redis: await redisHealth(exchange.queue) }),
    startWorker: () => startExchangeWorker(exchange.deps, { redisUrl: config.REDIS_URL }),
    close: async () => {
      clearInterval(sealTimer);
      await signWorkers?.close();
      await exchange.queue.close();
      await keys.close();
      await database.close();
    },
  };
}
