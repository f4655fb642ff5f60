/**
 * The delivery job: one small, typed, idempotent step per (message, receiver) or per relayed
 * status (style §2.10, BullMQ patterns/idempotent-jobs). It carries ids only; everything else is
 * read from the registry when the job runs.
 */
import { z } from 'zod';

/** zod schema of a job payload. */
export const deliveryJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), messageId: z.string().min(1), receiverCode: z.string().min(1) }),
  z.object({ kind: z.literal('status'), statusId: z.string().min(1), receiverCode: z.string().min(1) }),
]);
/** A delivery job payload (ids only). */
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/**
 * The BullMQ job id. The brief names `${messageId}:${receiverCode}`, but BullMQ 6 refuses custom
 * ids containing ':' ("Custom Id cannot contain :", job.ts), so '@' separates the two ids.
 */
export function jobIdOf(job: DeliveryJob): string {
  return job.kind === 'message' ? `${job.messageId}@${job.receiverCode}` : `status-${job.statusId}@${job.receiverCode}`;
}

/** Which attempt this is (1-based) out of how many. */
export interface Attempt {
  number: number;
  max: number;
}

/** What a run did: `skipped` when the step was already done (idempotent re-run). */
export type DeliveryOutcome = 'delivered' | 'skipped';
