/**
 * The JSON envelope of an exchanged document: a one-to-one mirror of the edXML MessageHeader
 * (QCVN 102:2016, elements 1.1 From .. 1.14 DocumentId) plus the TraceHeaderList/Bussiness block.
 * Dates are ISO `YYYY-MM-DD` in JSON and `yyyy/MM/dd` in edXML (edxml-dates.ts converts).
 */
import { z } from 'zod';
import { businessDocTypeSchema } from './business-codes';

/** QCVN 102 / QĐ 20/2020 agency identifier `NNN.NN.NN.Xnn` (last three characters: level 1). */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

/** zod schema of an agency identifier code. */
export const agencyCodeSchema = z
  .string()
  .regex(AGENCY_CODE_PATTERN, 'An agency code has the form NNN.NN.NN.Xnn (QCVN 102, QĐ 20/2020)');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates are written YYYY-MM-DD');

/** 1.1 From / 1.2 To: an Organization; a bare code string is accepted as `{organId}`. */
export const organizationSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { organId: v } : v),
  z.object({
    organId: agencyCodeSchema,
    organizationInCharge: z.string().max(500).optional(),
    organName: z.string().max(500).optional(),
    organAdd: z.string().max(500).optional(),
    email: z.string().max(200).optional(),
    telephone: z.string().max(50).optional(),
    fax: z.string().max(50).optional(),
    website: z.string().max(200).optional(),
  }),
);
/** An edXML Organization (From / To). */
export type Organization = z.infer<typeof organizationSchema>;

/** 1.12 ResponseFor: links a reply to the document it answers. */
export const responseForSchema = z.object({
  organId: agencyCodeSchema,
  code: z.string().max(100),
  promulgationDate: isoDate,
  documentId: z.string().min(1).max(300),
});
/** An edXML ResponseFor link. */
export type ResponseFor = z.infer<typeof responseForSchema>;

/** TraceHeaderList/Bussiness: what this package does to a document (0 new .. 3 replace). */
export const businessSchema = z.object({
  docType: businessDocTypeSchema.default(0),
  reason: z.string().max(500).optional(),
  /** For revoke, update and replace: the DocumentId of the earlier document acted upon. */
  documentId: z.string().min(1).max(300).optional(),
  paper: z.boolean().optional(),
});
/** The TraceHeaderList/Bussiness block. */
export type Business = z.infer<typeof businessSchema>;

const envelopeObject = z.object({
  from: organizationSchema,
  to: z.array(organizationSchema).min(1, 'At least one receiver (To) is required'),
  code: z.object({ number: z.string().min(1).max(50), notation: z.string().min(1).max(100) }),
  promulgation: z.object({ place: z.string().max(150).optional(), date: isoDate }),
  documentType: z
    .object({ type: z.number().int().min(0), typeName: z.string().max(200).optional(), typeDetail: z.number().int().optional() })
    .optional(),
  subject: z.string().min(1, 'Subject (trích yếu) is required').max(500),
  content: z.string().max(500).optional(),
  signerInfo: z
    .object({ competence: z.string().max(50).optional(), position: z.string().max(200).optional(), fullName: z.string().max(200) })
    .optional(),
  dueDate: isoDate.optional(),
  toPlaces: z.array(z.string().max(150)).default([]),
  otherInfo: z
    .object({
      priority: z.number().int().min(0).max(4).default(0),
      sphereOfPromulgation: z.string().max(200).optional(),
      typerNotation: z.string().max(50).optional(),
      promulgationAmount: z.number().int().min(0).optional(),
      pageAmount: z.number().int().min(0).optional(),
    })
    .default({ priority: 0 }),
  responseFor: z.array(responseForSchema).default([]),
  steeringType: z.number().int().min(0).max(3).default(1),
  /** 1.14 DocumentId `{from},{yyyy/MM/dd},{number}/{notation}`; derived when absent. */
  documentId: z.string().min(1).max(300).optional(),
  business: businessSchema.default({ docType: 0 }),
});

/**
 * The envelope schema. Rules from the provincial axis (Bkav Checker): no receiver twice, a
 * revoke/update/replace names the document it acts on.
 */
export const envelopeSchema = envelopeObject
  .superRefine((e, ctx) => {
    const codes = e.to.map((t) => t.organId);
    if (new Set(codes).size !== codes.length) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'A receiver (To/OrganId) appears twice' });
    }
    if (e.business.docType !== 0 && !e.business.documentId) {
      ctx.addIssue({ code: 'custom', path: ['business', 'documentId'], message: 'Revoke, update and replace must name the documentId they act on' });
    }
  })
  .transform((e) => ({ ...e, documentId: e.documentId ?? deriveDocumentId(e) }));

/** A parsed envelope (documentId always present). */
export type Envelope = z.output<typeof envelopeSchema>;
/** What callers send (defaults not yet applied). */
export type EnvelopeInput = z.input<typeof envelopeSchema>;

/** Builds DocumentId the way the VPCP sample does: `000.00.00.G22,2015/09/30,7816/VPCP-TTĐT`. */
export function deriveDocumentId(e: {
  from: { organId: string };
  promulgation: { date: string };
  code: { number: string; notation: string };
}): string {
  return `${e.from.organId},${e.promulgation.date.replace(/-/g, '/')},${e.code.number}/${e.code.notation}`;
}

/** The receiver codes of an envelope, in order. */
export function receiverCodesOf(e: Envelope): string[] {
  return e.to.map((t) => t.organId);
}
