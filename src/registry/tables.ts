/**
 * The registry's table shapes for Kysely. `Tables` is an interface on purpose: other areas add
 * their tables by declaration merging from their own files, without editing this one:
 *
 * ```ts
 * declare module '../registry/tables' {
 *   interface Tables { receipts: ReceiptsTable }
 * }
 * ```
 *
 * Column names are snake_case as in SQL. Timestamps are `timestamptz` (Date on read); jsonb
 * columns are parsed objects on both drivers (pg and PGlite).
 */
import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column written as a Date (or ISO string) and read as a Date. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** How an agency receives relayed documents (issue 5 item 1). */
export type DeliveryMode = 'pull' | 'push';

/** agencies: the directory of QCVN 102 / QĐ 20 identified agencies. */
export interface AgenciesTable {
  /** QCVN 102 / QĐ 20 identifier code `NNN.NN.NN.Xnn`, validated by parseAgencyCode. */
  code: string;
  name: string;
  parent_code: string | null;
  /** 'local' when this axis hosts the agency, otherwise the base URL of the federated peer axis. */
  axis: string;
  delivery_mode: DeliveryMode;
  webhook_url: string | null;
  /** Shared HMAC secret for push webhooks (needed in clear to sign requests). */
  hmac_secret: string | null;
  created_at: Generated<Date>;
}

/** api_keys: bearer keys, stored only as their SHA-256. agency_code null = an operator (admin) key. */
export interface ApiKeysTable {
  id: string;
  agency_code: string | null;
  /** Lowercase hex SHA-256 of the presented key. */
  key_hash: string;
  label: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

/** Lifecycle of a registered document; `pending` = id and token reserved, file not yet signed. */
export type DocumentStatus = 'pending' | 'valid' | 'revoked' | 'replaced';

/** One signer of a registered document, as shown on the citizen page. */
export interface SignerRecord {
  /** Display name (certificate subject CN or the person's name). */
  name: string;
  /** Certificate subject DN. */
  subject: string;
  /** Certificate issuer DN (the CA). */
  issuer: string;
  /** Certificate serial number, hex. */
  serial: string;
  /** Signing time, ISO 8601. */
  signingTime: string;
}

/** documents: issued signed documents that citizens can look up (Decree 45/2020 art. 18.2). */
export interface DocumentsTable {
  id: string;
  number_and_notation: string | null;
  title: string | null;
  document_type: string | null;
  issuing_agency_code: string;
  signers: ColumnType<SignerRecord[], string, string>;
  sha256: string | null;
  storage_key: string | null;
  status: DocumentStatus;
  status_reason: string | null;
  replaced_by: string | null;
  access_token_hash: string;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * audit_events: append-only, hash-chained (hash = sha256(prev_hash || canonical JSON)). Written
 * unsealed (seq, prev_hash, hash null); the sealer sets them once (migration 004-audit-sealing).
 */
export interface AuditEventsTable {
  id: Generated<string | number>;
  at: Timestamp;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: ColumnType<Record<string, unknown>, string, string>;
  /** 1-based chain position, null until sealed. */
  seq: ColumnType<string | number | null, string | number | null, string | number | null>;
  prev_hash: string | null;
  hash: string | null;
}

/** kyso_migrations: which migrations ran, and when. */
export interface MigrationsTable {
  id: string;
  applied_at: Generated<Date>;
}

/** Every table of the registry. Extend by declaration merging (see the module comment). */
export interface Tables {
  agencies: AgenciesTable;
  api_keys: ApiKeysTable;
  documents: DocumentsTable;
  audit_events: AuditEventsTable;
  kyso_migrations: MigrationsTable;
}
