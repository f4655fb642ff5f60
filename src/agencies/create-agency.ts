/**
 * createAgency: registers an agency in the directory and issues its first API key, returned once
 * (issue 5 item 1: `POST /api/v1/agencies` "returns the agency with its first API key once").
 * Steps: validate the QCVN 102 code and the parent's → validate delivery → insert → issue key →
 * audit, all in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import { appendAuditEvent } from '../audit/audit-log';
import { parseAgencyCode } from './agency-code';
import { agencyFromRow, type Agency } from './agency';
import { issueApiKey } from './api-keys';

/** What the caller gives. */
export interface CreateAgencyInput {
  code: string;
  name: string;
  /** Parent agency code. @defaultValue the structural parent derived from the code, if any */
  parent?: string | null;
  /** 'local' or the base URL of the peer axis hosting it. @defaultValue 'local' */
  axis?: string;
  /** @defaultValue { mode: 'pull' } */
  delivery?: { mode: 'pull' } | { mode: 'push'; webhookUrl: string; hmacSecret?: string };
  /** Who does it (audit). */
  actor: string;
}

/** The created agency plus the secrets shown only now. */
export interface CreatedAgency extends Agency {
  apiKey: string;
  apiKeyId: string;
  /** The push webhook's HMAC secret, when push delivery was set up. */
  hmacSecret?: string;
}

/** Registers the agency; AGENCY_CODE_INVALID, AGENCY_EXISTS or VALIDATION_FAILED on bad input. */
export async function createAgency(db: Kysely<Tables>, input: CreateAgencyInput): Promise<CreatedAgency> {
  const parsed = parseAgencyCode(input.code);
  const parent = input.parent ?? parsed.parentCode;
  if (parent != null) {
    parseAgencyCode(parent);
    if (parent === input.code) throw new AppError('VALIDATION_FAILED', 'An agency cannot be its own parent.');
  }
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', 'The agency name is required.');
  const axis = input.axis ?? 'local';
  if (axis !== 'local') assertHttpUrl(axis, 'axis');
  const delivery = input.delivery ?? { mode: 'pull' };
  let hmacSecret: string | undefined;
  if (delivery.mode === 'push') {
    assertHttpUrl(delivery.webhookUrl, 'delivery.webhookUrl');
    hmacSecret = delivery.hmacSecret ?? randomBytes(32).toString('base64url');
    if (hmacSecret.length < 16) throw new AppError('VALIDATION_FAILED', 'The webhook HMAC secret must be at least 16 characters.');
  }
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('agencies')
      .values({
        code: input.code,
        name,
        parent_code: parent,
        axis,
        delivery_mode: delivery.mode,
        webhook_url: delivery.mode === 'push' ? delivery.webhookUrl : null,
        hmac_secret: hmacSecret ?? null,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('AGENCY_EXISTS', `An agency with code ${input.code} is already registered.`, { code: input.code });
    await appendAuditEvent(trx, {
      actor: input.actor,
      action: 'agency.create',
      subjectType: 'agency',
      subjectId: input.code,
      details: { name, parentCode: parent, axis, deliveryMode: delivery.mode },
    });
    const key = await issueApiKey(trx, { agencyCode: input.code, label: 'first key', actor: input.actor });
    const created: CreatedAgency = { ...agencyFromRow(row), apiKey: key.key, apiKeyId: key.id };
    if (hmacSecret && !(delivery.mode === 'push' && delivery.hmacSecret)) created.hmacSecret = hmacSecret;
    return created;
  });
}

function assertHttpUrl(value: string, field: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new AppError('VALIDATION_FAILED', `${field} must be an absolute http(s) URL.`, { field });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new AppError('VALIDATION_FAILED', `${field} must use http or https.`, { field });
  }
}
