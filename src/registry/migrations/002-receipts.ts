/**
 * 002-receipts: fee catalogue, receipt series and gapless numbers, receipts, correction notices
 * and payment requests (issue 6). Plain SQL that runs unchanged on PostgreSQL 15+ and PGlite.
 * The uniqueness key of a receipt is (collector MST, EBLxx, YYT, number) (Circular 32/2025).
 */
import { sql } from 'kysely';
import type { Migration } from '../migrate';

/** The receipts tables. */
export const migration: Migration = {
  id: '002-receipts',
  async up(db) {
    await sql`create table fee_procedures (
      agency_code text not null,
      code text not null,
      name text not null,
      created_at timestamptz not null default now(),
      primary key (agency_code, code)
    )`.execute(db);
    await sql`create table fees (
      agency_code text not null,
      procedure_code text not null,
      code text not null,
      name text not null,
      kind text not null check (kind in ('phi', 'le_phi')),
      amount bigint not null check (amount >= 0),
      legal_basis text,
      created_at timestamptz not null default now(),
      primary key (agency_code, procedure_code, code),
      foreign key (agency_code, procedure_code)
        references fee_procedures (agency_code, code) on delete cascade
    )`.execute(db);
    await sql`create table receipt_series (
      collector_tax_code text not null,
      template_symbol text not null check (template_symbol in ('EBL01', 'EBL02')),
      symbol text not null check (symbol ~ '^[0-9]{2}T$'),
      next_number integer not null default 1 check (next_number between 1 and 10000000),
      created_at timestamptz not null default now(),
      primary key (collector_tax_code, template_symbol, symbol)
    )`.execute(db);
    await sql`create table receipts (
      id text primary key,
      collector_tax_code text not null,
      template_symbol text not null,
      symbol text not null,
      number integer not null check (number between 1 and 9999999),
      idempotency_key text not null,
      request_sha256 text not null,
      agency_code text not null,
      dossier_code text,
      issued_at timestamptz not null,
      total bigint not null,
      payment_method text not null,
      kind text not null check (kind in ('original', 'adjust_increase', 'adjust_decrease',
        'adjust_information', 'replacement')),
      original_id text references receipts (id),
      status text not null check (status in ('issued', 'adjusted', 'replaced')),
      replaced_by text references receipts (id),
      data jsonb not null,
      xml_sha256 text not null,
      pdf_sha256 text not null,
      access_token_hash text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (collector_tax_code, template_symbol, symbol, number),
      unique (collector_tax_code, idempotency_key),
      foreign key (collector_tax_code, template_symbol, symbol)
        references receipt_series (collector_tax_code, template_symbol, symbol),
      check ((kind = 'original') = (original_id is null)),
      check (status <> 'replaced' or replaced_by is not null)
    )`.execute(db);
    await sql`create index receipts_issued_idx on receipts (issued_at)`.execute(db);
    await sql`create index receipts_lookup_idx on receipts (symbol, number)`.execute(db);
    await sql`create index receipts_original_idx on receipts (original_id)`.execute(db);
    await sql`create table receipt_notices (
      id text primary key,
      receipt_id text not null references receipts (id),
      new_receipt_id text not null references receipts (id),
      kind text not null,
      reason text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
    await sql`create table payment_requests (
      id text primary key,
      agency_code text not null,
      total bigint not null,
      vietqr text not null,
      request jsonb not null,
      status text not null check (status in ('pending', 'paid')),
      receipt_id text references receipts (id),
      created_at timestamptz not null default now(),
      paid_at timestamptz
    )`.execute(db);
  },
};
