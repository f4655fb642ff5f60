/**
 * 003-exchange: the exchange axis (issue 5). Messages, their attachments, one delivery row per
 * receiver (transport status lives here, not in Redis: style §2.10), the hop trail (edXML
 * TraceHeader) and business statuses. Two edXML rules become indexes: a NEW document's
 * DocumentId is unique per sender (Bkav checkExistDocument, M.Exist), and a status is unique on
 * (from, to, document, code) except 05 (Bkav UpdateTraces). Tables carry an `exchange_` prefix so
 * that generic names (messages, statuses) stay free for other areas.
 */
import { sql } from 'kysely';
import type { Migration } from '../migrate';

/** The exchange tables. */
export const migration: Migration = {
  id: '003-exchange',
  async up(db) {
    await sql`create table exchange_messages (
      id text primary key,
      document_id text not null,
      from_code text not null,
      envelope jsonb not null,
      business_doc_type smallint not null check (business_doc_type between 0 and 3),
      refers_to text references exchange_messages(id),
      due_date date,
      origin_axis text not null default 'local',
      created_at timestamptz not null default now()
    )`.execute(db);
    await sql`create unique index exchange_messages_new_document_uq
      on exchange_messages (from_code, document_id) where business_doc_type = 0`.execute(db);
    await sql`create index exchange_messages_from_idx on exchange_messages (from_code, created_at)`.execute(db);
    await sql`create table exchange_attachments (
      message_id text not null references exchange_messages(id),
      ordinal integer not null,
      name text not null,
      content_type text not null,
      size bigint not null,
      sha256 text not null,
      storage_key text not null,
      verdict text not null,
      report jsonb,
      primary key (message_id, ordinal)
    )`.execute(db);
    await sql`create table exchange_deliveries (
      message_id text not null references exchange_messages(id),
      receiver_code text not null,
      status text not null check (status in ('queued', 'delivering', 'delivered', 'acknowledged', 'failed', 'dead')),
      attempts integer not null default 0,
      last_error text,
      delivered_at timestamptz,
      acknowledged_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (message_id, receiver_code)
    )`.execute(db);
    await sql`create index exchange_deliveries_status_idx on exchange_deliveries (status, updated_at)`.execute(db);
    await sql`create index exchange_deliveries_receiver_idx on exchange_deliveries (receiver_code, status)`.execute(db);
    await sql`create table exchange_trace (
      id bigserial primary key,
      message_id text not null references exchange_messages(id),
      agency_code text not null,
      event text not null,
      receiver_code text,
      at timestamptz not null default now()
    )`.execute(db);
    await sql`create index exchange_trace_message_idx on exchange_trace (message_id, id)`.execute(db);
    await sql`create table exchange_statuses (
      id text primary key,
      message_id text references exchange_messages(id),
      from_code text not null,
      to_code text not null,
      document_id text not null,
      code text not null,
      description text not null default '',
      staff_info jsonb,
      at timestamptz not null,
      received_at timestamptz not null default now(),
      relay_status text check (relay_status in ('queued', 'delivered', 'dead')),
      relay_attempts integer not null default 0,
      relay_error text
    )`.execute(db);
    await sql`create unique index exchange_statuses_dedup_uq
      on exchange_statuses (from_code, to_code, document_id, code) where code <> '05'`.execute(db);
    await sql`create index exchange_statuses_to_idx on exchange_statuses (to_code, received_at)`.execute(db);
    await sql`create index exchange_statuses_message_idx on exchange_statuses (message_id, at)`.execute(db);
  },
};
