/**
 * The fee catalogue of an agency: administrative procedures (code, name) with their fees and
 * charges (name, amount in whole đồng, phí or lệ phí). Receipts price their items from it, so a
 * desk officer never types an amount the catalogue does not hold (issue 6 item 1).
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import type { FeeKind } from './receipt-tables';

/** One fee or charge of a procedure. */
export const feeSchema = z.object({
  code: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(300),
  kind: z.enum(['phi', 'le_phi']),
  amount: z.number().int().min(0).max(1e12),
  legalBasis: z.string().trim().max(300).optional(),
});
export type Fee = z.infer<typeof feeSchema>;

/** A procedure with its fees, as sent to the admin API and kept in samples/fees/. */
export const procedureSchema = z.object({
  code: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(500),
  fees: z.array(feeSchema).min(1).max(50),
});
export type Procedure = z.infer<typeof procedureSchema>;

/** A catalogue file: an agency and its procedures. */
export const feeCatalogSchema = z.object({
  agencyCode: z.string().trim().min(1).max(32),
  procedures: z.array(procedureSchema).max(2000),
});
export type FeeCatalog = z.infer<typeof feeCatalogSchema>;

/** Creates or replaces a procedure and its fees in one transaction. */
export async function putProcedure(db: Kysely<Tables>, agencyCode: string, procedure: Procedure): Promise<Procedure> {
  const codes = procedure.fees.map((f) => f.code);
  if (new Set(codes).size !== codes.length) {
    throw new AppError('VALIDATION_FAILED', 'Fee codes must be unique within a procedure.', { codes });
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('fee_procedures')
      .values({ agency_code: agencyCode, code: procedure.code, name: procedure.name })
      .onConflict((oc) => oc.columns(['agency_code', 'code']).doUpdateSet({ name: procedure.name }))
      .execute();
    await trx.deleteFrom('fees').where('agency_code', '=', agencyCode).where('procedure_code', '=', procedure.code).execute();
    await trx
      .insertInto('fees')
      .values(
        procedure.fees.map((f) => ({
          agency_code: agencyCode,
          procedure_code: procedure.code,
          code: f.code,
          name: f.name,
          kind: f.kind,
          amount: f.amount,
          legal_basis: f.legalBasis ?? null,
        })),
      )
      .execute();
  });
  return procedure;
}

/** Imports a whole catalogue file (procedure by procedure). */
export async function importFeeCatalog(db: Kysely<Tables>, catalog: FeeCatalog): Promise<number> {
  for (const p of catalog.procedures) await putProcedure(db, catalog.agencyCode, p);
  return catalog.procedures.length;
}

/** Deletes a procedure and its fees; NOT_FOUND when absent. Issued receipts keep their copies. */
export async function deleteProcedure(db: Kysely<Tables>, agencyCode: string, code: string): Promise<void> {
  const r = await db.deleteFrom('fee_procedures').where('agency_code', '=', agencyCode).where('code', '=', code).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) {
    throw new AppError('FEE_NOT_FOUND', `Procedure ${code} is not in the catalogue of ${agencyCode}.`);
  }
}

/** The catalogue of an agency, procedures and fees ordered by code. */
export async function listFeeCatalog(db: Kysely<Tables>, agencyCode: string): Promise<FeeCatalog> {
  const procedures = await db.selectFrom('fee_procedures').selectAll().where('agency_code', '=', agencyCode).orderBy('code').execute();
  const fees = await db.selectFrom('fees').selectAll().where('agency_code', '=', agencyCode).orderBy('procedure_code').orderBy('code').execute();
  return {
    agencyCode,
    procedures: procedures.map((p) => ({
      code: p.code,
      name: p.name,
      fees: fees.filter((f) => f.procedure_code === p.code).map(toFee),
    })),
  };
}

/** A fee with its procedure's name, as a receipt item needs it. */
export interface CatalogFee extends Fee {
  procedureCode: string;
  procedureName: string;
}

/** Finds one fee; FEE_NOT_FOUND names what was asked for. */
export async function findFee(db: Kysely<Tables>, agencyCode: string, procedureCode: string, feeCode: string): Promise<CatalogFee> {
  const row = await db
    .selectFrom('fees')
    .innerJoin('fee_procedures', (j) =>
      j.onRef('fee_procedures.agency_code', '=', 'fees.agency_code').onRef('fee_procedures.code', '=', 'fees.procedure_code'),
    )
    .selectAll('fees')
    .select('fee_procedures.name as procedure_name')
    .where('fees.agency_code', '=', agencyCode)
    .where('fees.procedure_code', '=', procedureCode)
    .where('fees.code', '=', feeCode)
    .executeTakeFirst();
  if (!row) {
    throw new AppError('FEE_NOT_FOUND', `Fee ${procedureCode}/${feeCode} is not in the catalogue of ${agencyCode}.`, {
      agencyCode,
      procedureCode,
      feeCode,
    });
  }
  return { ...toFee(row), procedureCode, procedureName: row.procedure_name };
}

function toFee(row: { code: string; name: string; kind: FeeKind; amount: number | string; legal_basis: string | null }): Fee {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    amount: Number(row.amount),
    ...(row.legal_basis ? { legalBasis: row.legal_basis } : {}),
  };
}
