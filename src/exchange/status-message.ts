/**
 * A business status (edXML status package, "gói tin trạng thái"): From, ResponseFor, StaffInfo,
 * StatusCode, Description, Timestamp (Bkav MessageStatus.accumulate, VNPT MessageStatus).
 */
import { z } from 'zod';
import { businessStatusCodeSchema } from './business-codes';
import { agencyCodeSchema, organizationSchema, responseForSchema } from './envelope';

/** StaffInfo of a status: who handled the document. */
export const staffInfoSchema = z.object({
  department: z.string().max(200).optional(),
  staff: z.string().max(200).optional(),
  mobile: z.string().max(50).optional(),
  email: z.string().max(200).optional(),
});

/** A status as carried by a status package. */
export const statusMessageSchema = z.object({
  from: organizationSchema,
  /** The agency the status is reported to (the original sender). */
  to: agencyCodeSchema,
  responseFor: responseForSchema,
  staffInfo: staffInfoSchema.optional(),
  statusCode: businessStatusCodeSchema,
  description: z.string().max(1000).default(''),
  /** When the status happened (ISO 8601). */
  timestamp: z.string().datetime({ offset: true }),
});
/** A parsed status package header. */
export type StatusMessage = z.output<typeof statusMessageSchema>;

/** The body of POST /messages/:id/status. */
export const statusInputSchema = z.object({
  code: businessStatusCodeSchema,
  description: z.string().max(1000).default(''),
  staffInfo: staffInfoSchema.optional(),
});
/** A parsed status post. */
export type StatusInput = z.output<typeof statusInputSchema>;
