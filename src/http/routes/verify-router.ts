/**
 * POST /api/v1/verify: the PDF as the body (application/pdf) or multipart (`file`); answers the
 * JSON verification report (schemas/verification-report.v1.json). Public, rate-limited per
 * client, keeps nothing.
 */
import express, { Router } from 'express';
import { AppError } from '../../errors';
import type { VerificationReport } from '../../verification/report';
import { readMultipart } from '../multipart';
import { rateLimit } from '../rate-limit';

/** What the verify route needs. */
export interface VerifyRouterDeps {
  verify: (pdf: Buffer) => Promise<VerificationReport>;
  maxPdfBytes: number;
  perMinute: number;
}

/** Builds the router (mounted at /api/v1). */
export function createVerifyRouter(deps: VerifyRouterDeps): Router {
  const router = Router();
  const raw = express.raw({ type: ['application/pdf', 'application/octet-stream'], limit: deps.maxPdfBytes });
  router.post('/verify', rateLimit({ perMinute: deps.perMinute }), raw, async (req, res) => {
    let pdf: Buffer | undefined;
    if (req.is('multipart/form-data')) {
      const body = await readMultipart(req, { maxBytes: deps.maxPdfBytes, maxFiles: 1 });
      pdf = (body.files.find((f) => f.field === 'file') ?? body.files[0])?.data;
    } else if (Buffer.isBuffer(req.body)) {
      pdf = req.body;
    }
    if (!pdf || pdf.length === 0) {
      throw new AppError('VALIDATION_FAILED', 'Send the PDF as the body (Content-Type: application/pdf) or as multipart part "file".');
    }
    res.set('Cache-Control', 'no-store');
    res.json(await deps.verify(pdf));
  });
  return router;
}
