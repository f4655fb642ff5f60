/**
 * edXML ingress: an agency may send a QCVN 102 document package instead of JSON + multipart, and
 * report a status with a status package. A package that carries an XML Signature must verify, and
 * its certificate must name the sending agency (its code in the subject, e.g. UID=000.00.14.H40);
 * an unsigned package is accepted, as on the national axis, because the legal signature is the
 * one inside each PDF (NĐ 30/2020), which sendMessage verifies anyway.
 */
import { X509Certificate } from 'node:crypto';
import { AppError } from '../errors';
import type { ExchangeDeps } from './exchange-deps';
import { importDocumentPackage, importStatusPackage } from './edxml-import';
import { verifyEdxmlSignature } from './edxml-signature';
import { findNewDocument } from './message-repository';
import { postStatus } from './post-status';
import { sendMessage, type SendResult } from './send-message';

function assertPackageSignature(xml: string, agencyCode: string): void {
  const check = verifyEdxmlSignature(xml);
  if (!check.isSigned) return;
  if (!check.isValid) throw new AppError('EXCHANGE_SIGNATURE_INVALID', `The edXML package signature does not verify: ${check.problem}`);
  const subject = check.certificate ? new X509Certificate(check.certificate).subject : '';
  if (!subject.includes(agencyCode)) {
    throw new AppError('EXCHANGE_SIGNATURE_INVALID', `The edXML package is signed by a certificate that does not name ${agencyCode}.`, { subject });
  }
}

/** Sends the document package `xml` from `callerCode`. */
export async function importEdxmlMessage(deps: ExchangeDeps, callerCode: string, xml: string): Promise<SendResult> {
  const pkg = importDocumentPackage(xml);
  assertPackageSignature(xml, pkg.envelope.from.organId);
  const attachments = pkg.attachments.map((a) => ({ name: a.name, contentType: a.contentType, data: a.data }));
  return sendMessage(deps, callerCode, pkg.envelope, attachments);
}

/** Records the status package `xml` from `callerCode` against the document it responds for. */
export async function importEdxmlStatus(deps: ExchangeDeps, callerCode: string, xml: string) {
  const { status } = importStatusPackage(xml);
  if (status.from.organId !== callerCode) {
    throw new AppError('EXCHANGE_SENDER_MISMATCH', `The status package's From (${status.from.organId}) must be the calling agency (${callerCode}).`);
  }
  assertPackageSignature(xml, callerCode);
  const m = await findNewDocument(deps.db, status.responseFor.organId, status.responseFor.documentId);
  if (!m) throw new AppError('EXCHANGE_MESSAGE_NOT_FOUND', `No document ${status.responseFor.documentId} from ${status.responseFor.organId} is known here.`);
  return postStatus(deps, callerCode, m.id, { code: status.statusCode, description: status.description, staffInfo: status.staffInfo });
}
