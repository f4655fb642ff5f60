/**
 * 001-core: agencies (QCVN 102 codes), API keys (hashed), documents (issue 4 item 3) and the
 * hash-chained audit trail. Plain SQL that runs unchanged on PostgreSQL 15+ and PGlite.
 */
import { sql } from 'kysely';
import type { Migration } from '../migrate';

/** The core tables. */
export const migration: Migration = {
  id: '001-core',
  async up(db) {
    await sql`create table agencies (
      code text primary key,
      name text not null,
      parent_code text,
      axis text not null default 'local',
      delivery_mode text not null default 'pull' check (delivery_mode in ('pull', 'push')),
      webhook_url text,
      hmac_secret text,
      created_at timestamptz not null default now(),
      check (delivery_mode = 'pull' or webhook_url is not null)
    )`.execute(db);
    await sql`create table api_keys (
      id text primary key,
      agency_code text references agencies(code),
      key_hash text not null unique,
      label text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    )`.execute(db);
    await sql`create index api_keys_agency_idx on api_keys (agency_code)`.execute(db);
    await sql`create table documents (
      id text primary key,
      number_and_notation text,
      title text,
      document_type text,
      issuing_agency_code text not null,
      signers jsonb not null default '[]'::jsonb,
      sha256 text,
      storage_key text,
      status text not null check (status in ('pending', 'valid', 'revoked', 'replaced')),
      status_reason text,
      replaced_by text references documents(id),
      access_token_hash text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (status = 'pending' or (sha256 is not null and storage_key is not null)),
      check (status <> 'replaced' or replaced_by is not null)
    )`.execute(db);
    await sql`create index documents_issuer_idx on documents (issuing_agency_code, created_at)`.execute(db);
    await sql`create index documents_sha256_idx on documents (sha256)`.execute(db);
    await sql`create table audit_events (
      id bigserial primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      subject_type text not null,
      subject_id text not null,
      details jsonb not null default '{}'::jsonb,
      prev_hash text not null,
      hash text not null unique
    )`.execute(db);
    await sql`create index audit_subject_idx on audit_events (subject_type, subject_id)`.execute(db);
  },
};
