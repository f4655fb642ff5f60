/**
 * The development PKI's publication points, so that online revocation works on one machine with
 * no outside network: GET /pki/ca/NAME.crt, GET /pki/crl/NAME.crl and POST /pki/ocsp (RFC 6960
 * over HTTP, RFC 5019 media types). The certificates in certs-dev point here (AIA and CRL DP).
 * Mounted only when the service runs on the development PKI.
 */
import express, { Router } from 'express';
import { AppError } from '../../errors';
import type { KeyStore } from '../../keys/load-key-store';
import { respondOcsp, type CertStatus } from '../../trust-services/respond-ocsp';
import { certificatesFromBytes } from '../../trust/trust-store';

/** What the router needs: the PKI's files and the index describing its identities. */
export interface PkiRouterDeps {
  /** Reads a file of the PKI directory (certificates and CRLs, by bare file name). */
  readFile: (name: string) => Promise<Buffer>;
  index: {
    identities: { alias: string; cert: string; serial: string; status: string; revokedAt: string | null }[];
    crls: { file: string }[];
  };
  keys: KeyStore;
  /** Alias of the OCSP responder key and of the CA it answers for. */
  ocspResponderAlias: string;
  ocspIssuerAlias: string;
  now?: () => Date;
}

const NAME = /^[a-z0-9-]+\.(crt|crl)$/;

/** Builds the router. */
export function createPkiRouter(deps: PkiRouterDeps): Router {
  const router = Router();
  const published = new Set([...deps.index.identities.map((i) => i.cert), ...deps.index.crls.map((c) => c.file)]);
  const bySerial = new Map(deps.index.identities.map((i) => [i.serial.toLowerCase().replace(/^0+/, ''), i]));
  const issuerCert = deps.index.identities.find((i) => i.alias === deps.ocspIssuerAlias)?.cert;

  const sendFile = (type: string) => async (req: express.Request, res: express.Response) => {
    const name = String(req.params.name);
    if (!NAME.test(name) || !published.has(name)) throw new AppError('NOT_FOUND', 'No such certificate or CRL.');
    const body = await deps.readFile(name);
    res.set('Content-Type', type).set('Cache-Control', 'max-age=300').send(body);
  };
  router.get('/pki/ca/:name', sendFile('application/pkix-cert'));
  router.get('/pki/crl/:name', sendFile('application/pkix-crl'));

  router.post('/pki/ocsp', express.raw({ type: 'application/ocsp-request', limit: '64kb' }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || !issuerCert) throw new AppError('BAD_REQUEST', 'Send an OCSP request (application/ocsp-request).');
    const statusOf = (serialHex: string): CertStatus => {
      const id = bySerial.get(serialHex.replace(/^0+/, ''));
      if (!id) return { status: 'unknown' };
      return id.status === 'revoked' && id.revokedAt ? { status: 'revoked', revokedAt: new Date(id.revokedAt), reason: 'keyCompromise' } : { status: 'good' };
    };
    const der = await respondOcsp(req.body, {
      issuer: certificatesFromBytes(await deps.readFile(issuerCert))[0],
      responderKey: await deps.keys.get(deps.ocspResponderAlias),
      statusOf,
      now: deps.now?.() ?? new Date(),
    });
    res.set('Content-Type', 'application/ocsp-response').send(der);
  });
  return router;
}
