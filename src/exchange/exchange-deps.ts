/**
 * What the exchange use cases need, built once in the composition root and passed down (no
 * module singletons). Options document their defaults where declared (style §2.9).
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../log';
import type { Tables } from '../registry/tables';
import type { KeyHandle } from '../keys/key-handle';
import type { AgencyDirectory, AttachmentVerifier, DeliveryQueue, FileStore, HttpPost } from './ports';
import type { ExchangeBatches } from './exchange-batches';

/** Tunables of the exchange axis. */
export interface ExchangeOptions {
  /** Accept attachments whose verdict is INDETERMINATE (config EXCHANGE_ACCEPT_INDETERMINATE). @defaultValue true */
  acceptIndeterminate: boolean;
  /** Largest single attachment, bytes. @defaultValue 50 MiB (a VXP gateway's cap) */
  maxAttachmentBytes: number;
  /** Most attachments per message. @defaultValue 20 */
  maxAttachments: number;
  /** Largest sum of attachment sizes per message, bytes. @defaultValue 100 MiB */
  maxTotalBytes: number;
  /** Timeout of one webhook or peer POST, ms. @defaultValue 10000 */
  pushTimeoutMs: number;
  /** The hop name this axis writes in the trail when it relays. @defaultValue 'kyso' */
  axisName: string;
  /** Shared secret that signs requests between federated axes; federation is off without it. */
  federationSecret?: string;
  /** This axis's public base URL, sent to peers so that statuses can come back. */
  publicBaseUrl?: string;
}

/** Defaults of {@link ExchangeOptions}, merged once. */
export const DEFAULT_EXCHANGE_OPTIONS: ExchangeOptions = {
  acceptIndeterminate: true,
  maxAttachmentBytes: 50 * 1024 * 1024,
  maxAttachments: 20,
  maxTotalBytes: 100 * 1024 * 1024,
  pushTimeoutMs: 10_000,
  axisName: 'kyso',
};

/** The exchange's dependencies. */
export interface ExchangeDeps {
  db: Kysely<Tables>;
  agencies: AgencyDirectory;
  files: FileStore;
  verifyAttachment: AttachmentVerifier;
  queue: DeliveryQueue;
  http: HttpPost;
  logger: Logger;
  options: ExchangeOptions;
  /** The organisation key of an agency hosted here, for signed edXML export (optional). */
  organisationKey?: (agencyCode: string) => Promise<KeyHandle | null>;
  now?: () => Date;
  /** Group-committed hot writes (accept, pull delivery); one write per call without it. */
  batches?: ExchangeBatches;
}

/** Merges partial options over the defaults. */
export function exchangeOptions(partial: Partial<ExchangeOptions> = {}): ExchangeOptions {
  return { ...DEFAULT_EXCHANGE_OPTIONS, ...partial };
}
