/**
 * Looking receipts up: by id and token (the QR on the receipt, domain notes §5.3) and, without a
 * token, by symbol + number + amount, the fields only the holder knows (as the tax authority's
 * invoice lookup requires; the route adds the rate limit). Answers include the status (issued,
 * adjusted by …, replaced by …) and the verification of the receipt XML signature.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { AppError } from '../errors';
import { tokenMatches } from '../documents/document-ids';
import type { Receipt } from './receipt-model';
import { type IssuedReceipt, type ReceiptsDeps, toIssuedReceipt } from './receipts-deps';

/** Result of checking the embedded XML signature. */
export interface XmlSignatureCheck {
  isValid: boolean;
  signer: string | null;
  signingTime: string | null;
  /** Certificate validity and issuer, for the page. */
  issuer: string | null;
  serial: string | null;
}

/** What the lookup page shows. */
export interface ReceiptView {
  receipt: IssuedReceipt;
  details: Receipt;
  /** Corrections issued for this receipt, oldest first. */
  corrections: IssuedReceipt[];
  xmlSignature: XmlSignatureCheck;
}

/** The receipt behind a QR: RECEIPT_NOT_FOUND for an unknown id or a wrong token (same answer). */
export async function getReceiptView(deps: ReceiptsDeps, id: string, token: string | undefined): Promise<ReceiptView> {
  const row = await deps.db.selectFrom('receipts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!tokenMatches(token, row?.access_token_hash ?? null) || !row) {
    throw new AppError('RECEIPT_NOT_FOUND', 'No receipt matches this link.');
  }
  return viewOf(deps, row.id);
}

/** The receipt for an officer or the CLI (no token). */
export async function viewOf(deps: ReceiptsDeps, id: string): Promise<ReceiptView> {
  const row = await deps.db.selectFrom('receipts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('RECEIPT_NOT_FOUND', `Receipt ${id} does not exist.`);
  const corrections = await deps.db.selectFrom('receipts').selectAll().where('original_id', '=', id).orderBy('issued_at').execute();
  const xml = await deps.store.get(row.xml_sha256);
  return {
    receipt: toIssuedReceipt(row, deps.publicBaseUrl),
    details: (row.data as { receipt: Receipt }).receipt,
    corrections: corrections.map((c) => toIssuedReceipt(c, deps.publicBaseUrl)),
    xmlSignature: xml ? checkReceiptXml(xml.toString('utf8')) : { isValid: false, signer: null, signingTime: null, issuer: null, serial: null },
  };
}

/** Lookup without a token: symbol, number and total must all match; returns at most a few. */
export async function lookupReceipts(deps: ReceiptsDeps, q: { symbol: string; number: number; amount: number }): Promise<IssuedReceipt[]> {
  const rows = await deps.db
    .selectFrom('receipts')
    .selectAll()
    .where('symbol', '=', q.symbol)
    .where('number', '=', q.number)
    .where('total', '=', q.amount)
    .limit(5)
    .execute();
  if (rows.length === 0) throw new AppError('RECEIPT_NOT_FOUND', 'No receipt has this symbol, number and amount.');
  return rows.map((r) => toIssuedReceipt(r, deps.publicBaseUrl));
}

/** Verifies the receipt XML signature with the certificate it carries (integrity + signer). */
export function checkReceiptXml(xml: string): XmlSignatureCheck {
  const empty = { isValid: false, signer: null, signingTime: null, issuer: null, serial: null };
  try {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const ds = 'http://www.w3.org/2000/09/xmldsig#';
    const sig = doc.getElementsByTagNameNS(ds, 'Signature')[0];
    const certText = doc.getElementsByTagNameNS(ds, 'X509Certificate')[0]?.textContent;
    if (!sig || !certText) return empty;
    const cert = new X509Certificate(Buffer.from(certText, 'base64'));
    const verifier = new SignedXml({ publicCert: cert.toString() });
    verifier.loadSignature(sig as never);
    const isValid = verifier.checkSignature(xml) && verifier.getSignedReferences().length === 2;
    return {
      isValid,
      signer: cert.subject.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? cert.subject,
      signingTime: doc.getElementsByTagNameNS(ds, 'SigningTime')[0]?.textContent ?? null,
      issuer: cert.issuer.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? cert.issuer,
      serial: cert.serialNumber,
    };
  } catch {
    return empty;
  }
}
