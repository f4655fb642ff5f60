/**
 * Receipts over HTTP (issue 6). Thin: authenticate, parse, call the use case, answer. Paths are
 * absolute, so mount the router at '/'.
 *
 * - POST /api/v1/receipts                        issue (agency key for its own agencyCode, or admin)
 * - GET  /api/v1/receipts/:id                    officer view (JSON)
 * - GET  /api/v1/receipts/:id/pdf | /xml         the signed files
 * - POST /api/v1/receipts/:id/corrections        adjust or replace
 * - GET  /api/v1/receipts-report?from&to[&format=csv]
 * - GET  /api/v1/fees/:agency                    catalogue; PUT/DELETE …/procedures/:code (admin)
 * - POST /api/v1/payment-requests, POST …/:id/confirm; GET /pay/:id (page)
 * - GET  /r/:id?t=TOKEN                          citizen page (rate-limited)
 * - GET  /api/v1/receipts-lookup?symbol&number&amount   rate-limited lookup without token
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { assertAdmin, principalOf, requireAuth, type Authenticator, type Principal } from '../auth';
import { rateLimit } from '../rate-limit';
import { parseBody } from './documents-router';
import { correctReceipt } from '../../receipts/correct-receipt';
import { deleteProcedure, listFeeCatalog, procedureSchema, putProcedure } from '../../receipts/fee-catalog';
import { issueReceipt } from '../../receipts/issue-receipt';
import { getReceiptView, lookupReceipts, viewOf } from '../../receipts/lookup-receipt';
import { confirmPayment, createPaymentRequest, getPaymentRequest } from '../../receipts/payment-request';
import { receiptReport, reportToCsv } from '../../receipts/receipt-report';
import type { ReceiptsDeps } from '../../receipts/receipts-deps';
import { renderReceiptPage } from '../../web/receipt-page';
import { renderPaymentPage } from '../../web/receipt-payment-page';

/** What the router needs. */
export interface ReceiptsRouterDeps {
  auth: Authenticator;
  receipts: ReceiptsDeps;
  /** Requests per minute per client on the public page and lookup. */
  perMinute: number;
}

const lookupSchema = z.object({
  symbol: z.string().regex(/^\d{2}T$/),
  number: z.coerce.number().int().min(1).max(9_999_999),
  amount: z.coerce.number().int().min(0),
});

function actorOf(p: Principal): string {
  return p.kind === 'admin' ? 'admin' : `agency:${p.agencyCode}`;
}

/** An agency key acts only for its own agency; the administrator for any. */
function assertActsFor(p: Principal, agencyCode: string): void {
  if (p.kind === 'agency' && p.agencyCode !== agencyCode) {
    throw new AppError('FORBIDDEN', `This key acts for ${p.agencyCode}, not for ${agencyCode}.`);
  }
}

async function ownReceipt(deps: ReceiptsDeps, res: Response, id: string) {
  const view = await viewOf(deps, id);
  assertActsFor(principalOf(res), view.receipt.agencyCode);
  return view;
}

/** Builds the router. */
export function createReceiptsRouter(deps: ReceiptsRouterDeps): Router {
  const router = Router();
  const auth = requireAuth(deps.auth);
  const json = express.json({ limit: '256kb' });
  const limited = rateLimit({ perMinute: deps.perMinute });
  const r = deps.receipts;

  router.post('/api/v1/receipts', auth, json, async (req, res) => {
    const p = principalOf(res);
    assertActsFor(p, String((req.body as { agencyCode?: unknown })?.agencyCode ?? ''));
    res.status(201).json(await issueReceipt(r, req.body, actorOf(p)));
  });

  router.get('/api/v1/receipts/:id', auth, async (req, res) => {
    res.json(await ownReceipt(r, res, String(req.params.id)));
  });

  for (const file of ['pdf', 'xml'] as const) {
    router.get(`/api/v1/receipts/:id/${file}`, auth, async (req, res) => {
      const view = await ownReceipt(r, res, String(req.params.id));
      const bytes = await r.store.get(file === 'pdf' ? view.receipt.pdfSha256 : view.receipt.xmlSha256);
      if (!bytes) throw new AppError('RECEIPT_NOT_FOUND', 'The receipt file is missing from storage.');
      res.type(file === 'pdf' ? 'application/pdf' : 'application/xml').send(bytes);
    });
  }

  router.post('/api/v1/receipts/:id/corrections', auth, json, async (req, res) => {
    await ownReceipt(r, res, String(req.params.id));
    res.status(201).json(await correctReceipt(r, String(req.params.id), req.body, actorOf(principalOf(res))));
  });

  router.get('/api/v1/receipts-report', auth, async (req, res) => {
    const p = principalOf(res);
    const q = { from: String(req.query.from ?? ''), to: String(req.query.to ?? ''), agencyCode: p.kind === 'agency' ? p.agencyCode : undefined };
    const report = await receiptReport(r, q);
    if (req.query.format === 'csv') res.type('text/csv; charset=utf-8').send(reportToCsv(report));
    else res.json(report);
  });

  router.get('/api/v1/receipts-lookup', limited, async (req, res) => {
    const q = lookupSchema.safeParse(req.query);
    if (!q.success) throw new AppError('VALIDATION_FAILED', 'A lookup needs symbol (YYT), number and amount.');
    const found = await lookupReceipts(r, q.data);
    res.json(found.map(({ id, templateSymbol, symbol, numberText, issuedAt, total, status }) => ({ id, templateSymbol, symbol, numberText, issuedAt, total, status })));
  });

  router.get('/api/v1/fees/:agency', auth, async (req, res) => {
    res.json(await listFeeCatalog(r.db, String(req.params.agency)));
  });
  router.put('/api/v1/fees/:agency/procedures/:code', auth, json, async (req, res) => {
    assertAdmin(principalOf(res));
    const body = parseBody(procedureSchema, req);
    if (body.code !== req.params.code) throw new AppError('VALIDATION_FAILED', 'The body code must match the path.');
    res.json(await putProcedure(r.db, String(req.params.agency), body));
  });
  router.delete('/api/v1/fees/:agency/procedures/:code', auth, async (req, res) => {
    assertAdmin(principalOf(res));
    await deleteProcedure(r.db, String(req.params.agency), String(req.params.code));
    res.status(204).end();
  });

  router.post('/api/v1/payment-requests', auth, json, async (req, res) => {
    assertActsFor(principalOf(res), String((req.body as { agencyCode?: unknown })?.agencyCode ?? ''));
    res.status(201).json(await createPaymentRequest(r, req.body));
  });
  router.post('/api/v1/payment-requests/:id/confirm', auth, async (req, res) => {
    const payment = await getPaymentRequest(r, String(req.params.id));
    assertActsFor(principalOf(res), payment.agencyCode);
    res.json(await confirmPayment(r, payment.id, actorOf(principalOf(res))));
  });
  router.get('/pay/:id', limited, async (req, res) => {
    res.type('html').send(await renderPaymentPage(await getPaymentRequest(r, String(req.params.id))));
  });

  router.get('/r/:id', limited, async (req: Request, res) => {
    const token = typeof req.query.t === 'string' ? req.query.t : undefined;
    const view = await getReceiptView(r, String(req.params.id), token);
    res.set('Cache-Control', 'no-store').type('html').send(renderReceiptPage(view));
  });

  return router;
}
