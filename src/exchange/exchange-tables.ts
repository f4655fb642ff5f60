/**
 * Kysely shapes of the exchange tables (migration 003-exchange), merged into the registry's
 * `Tables` interface so that one typed Kysely<Tables> reaches every area.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Envelope } from './envelope';

/** Per-receiver transport status (the VXP done/fail/processing layer, made explicit). */
export type TransportStatus = 'queued' | 'delivering' | 'delivered' | 'acknowledged' | 'failed' | 'dead';

type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** exchange_messages: one row per accepted message; the envelope is kept whole as jsonb. */
export interface ExchangeMessagesTable {
  id: string;
  document_id: string;
  from_code: string;
  envelope: Json<Envelope>;
  business_doc_type: number;
  refers_to: string | null;
  due_date: ColumnType<string | null, string | null, string | null>;
  origin_axis: Generated<string>;
  created_at: Timestamp;
}

/** exchange_attachments: the PDFs of a message, by content key, with the ingress verdict. */
export interface ExchangeAttachmentsTable {
  message_id: string;
  ordinal: number;
  name: string;
  content_type: string;
  size: ColumnType<string | number, number, number>;
  sha256: string;
  storage_key: string;
  verdict: string;
  report: Json<unknown> | null;
}

/** exchange_deliveries: one row per (message, receiver) with its transport status. */
export interface ExchangeDeliveriesTable {
  message_id: string;
  receiver_code: string;
  status: TransportStatus;
  attempts: Generated<number>;
  last_error: string | null;
  delivered_at: Date | null;
  acknowledged_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** exchange_trace: the hop trail (edXML TraceHeader: agency and time), append-only. */
export interface ExchangeTraceTable {
  id: Generated<string | number>;
  message_id: string;
  agency_code: string;
  event: string;
  receiver_code: string | null;
  at: Timestamp;
}

/** exchange_statuses: business statuses (edXML status packages) and their relay state. */
export interface ExchangeStatusesTable {
  id: string;
  message_id: string | null;
  from_code: string;
  to_code: string;
  document_id: string;
  code: string;
  description: string;
  staff_info: Json<unknown> | null;
  at: Timestamp;
  received_at: Timestamp;
  /** Push or federated senders get statuses relayed; null when the sender pulls them. */
  relay_status: 'queued' | 'delivered' | 'dead' | null;
  relay_attempts: Generated<number>;
  relay_error: string | null;
}

declare module '../registry/tables' {
  interface Tables {
    exchange_messages: ExchangeMessagesTable;
    exchange_attachments: ExchangeAttachmentsTable;
    exchange_deliveries: ExchangeDeliveriesTable;
    exchange_trace: ExchangeTraceTable;
    exchange_statuses: ExchangeStatusesTable;
  }
}
