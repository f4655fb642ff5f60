/**
 * Assembles the exchange's adapters for the composition root (src/compose.ts), so that wiring
 * is one call: the SQL agency directory, the lazy BullMQ queue, fetch for webhooks and peers,
 * the verifier wrapped to keep the verdict and report, and organisation keys from the key store
 * (role 'organisation' with an agencyCode) for signed edXML export.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../log';
import type { Tables } from '../registry/tables';
import type { KeyStore } from '../keys/load-key-store';
import type { VerificationReport } from '../verification/report';
import { createSqlAgencyDirectory } from './agency-directory-sql';
import { exchangeOptions, type ExchangeDeps, type ExchangeOptions } from './exchange-deps';
import type { FileStore } from './ports';
import { fetchPost } from './post-signed';
import { createBullDeliveryQueue, type BullDeliveryQueue } from './queue-bullmq';
import { createExchangeBatches } from './exchange-batches';
import { rememberingFileStore } from './remembering-file-store';

/** What {@link buildExchange} needs. */
export interface BuildExchangeInput {
  db: Kysely<Tables>;
  files: FileStore;
  /** verifyPdf bound to the server's VerificationContext. */
  verify: (pdf: Uint8Array) => Promise<VerificationReport>;
  redisUrl: string;
  logger: Logger;
  /** @defaultValue 'kyso-exchange' */
  queueName?: string;
  keys?: KeyStore;
  options?: Partial<ExchangeOptions>;
}

/** The exchange dependencies plus the queue (close it on shutdown). */
export function buildExchange(input: BuildExchangeInput): { deps: ExchangeDeps; queue: BullDeliveryQueue } {
  const queue = createBullDeliveryQueue({ redisUrl: input.redisUrl, queueName: input.queueName, logger: input.logger });
  const keys = input.keys;
  // every attachment is verified (no cache by content: a verdict may change with trust or
  // revocation state); the report's whole-file SHA-256 spares the caller a second hash
  const verifyAttachment = async (bytes: Buffer) => {
    const report = await input.verify(bytes);
    return { verdict: report.verdict, report, sha256: report.document?.sha256 };
  };
  const deps: ExchangeDeps = {
    db: input.db,
    agencies: createSqlAgencyDirectory(input.db),
    files: rememberingFileStore(input.files),
    verifyAttachment,
    queue,
    http: fetchPost,
    logger: input.logger,
    options: exchangeOptions(input.options),
    organisationKey: keys
      ? async (code) => {
          const entry = keys.list().find((e) => e.role === 'organisation' && e.agencyCode === code);
          return entry ? keys.get(entry.alias) : null;
        }
      : undefined,
  };
  deps.batches = createExchangeBatches(input.db, queue, input.logger);
  return { deps, queue };
}
