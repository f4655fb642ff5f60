/**
 * edXML import: reads document and status packages written by kyso or by other axes (any prefix
 * bound to the QCVN 102 namespace, or none) back into the typed shapes, then validates them with
 * the same zod schemas as the JSON API. The inverse of edxml-export.ts.
 */
import type { Element as XmlElement } from '@xmldom/xmldom';
import { AppError } from '../errors';
import { envelopeSchema, type Envelope } from './envelope';
import {
  EDXML_NS,
  child,
  childText,
  children,
  fromEdxmlDate,
  fromEdxmlTimestamp,
  parseXml,
  requireChild,
} from './edxml-format';
import type { DocumentPackage, PackageAttachment, StatusPackage, TraceHop } from './edxml-package';
import { statusMessageSchema } from './status-message';

const num = (t: string | undefined) => (t === undefined ? undefined : Number(t));

function organization(e: XmlElement) {
  return {
    organId: childText(e, 'OrganId'),
    organizationInCharge: childText(e, 'OrganizationInCharge'),
    organName: childText(e, 'OrganName'),
    organAdd: childText(e, 'OrganAdd'),
    email: childText(e, 'Email'),
    telephone: childText(e, 'Telephone'),
    fax: childText(e, 'Fax'),
    website: childText(e, 'Website'),
  };
}

function responseFor(e: XmlElement) {
  const date = childText(e, 'PromulgationDate');
  return {
    organId: childText(e, 'OrganId'),
    code: childText(e, 'Code') ?? '',
    promulgationDate: date && fromEdxmlDate(date),
    documentId: childText(e, 'DocumentId'),
  };
}

function header(root: XmlElement): XmlElement {
  if (root.localName !== 'edXML' || root.namespaceURI !== EDXML_NS) {
    throw new AppError('VALIDATION_FAILED', `The root element must be edXML in namespace ${EDXML_NS}`);
  }
  return requireChild(requireChild(root, 'edXMLEnvelope'), 'edXMLHeader');
}

function trace(h: XmlElement): TraceHop[] {
  const list = child(h, 'TraceHeaderList');
  if (!list) return [];
  return children(list, 'TraceHeader').map((t) => ({
    organId: childText(t, 'OrganId') ?? '',
    at: fromEdxmlTimestamp(childText(t, 'Timestamp') ?? ''),
  }));
}

function business(h: XmlElement) {
  const b = child(h, 'TraceHeaderList') && child(child(h, 'TraceHeaderList')!, 'Bussiness');
  if (!b) return undefined;
  const paper = childText(b, 'Paper');
  return {
    docType: num(childText(b, 'BussinessDocType')) ?? 0,
    reason: childText(b, 'BussinessDocReason'),
    documentId: childText(b, 'DocumentId'),
    paper: paper === undefined ? undefined : paper === '1',
  };
}

function envelopeFrom(mh: XmlElement, h: XmlElement): Envelope {
  const code = requireChild(mh, 'Code');
  const prom = requireChild(mh, 'PromulgationInfo');
  const dt = child(mh, 'DocumentType');
  const si = child(mh, 'SignerInfo');
  const oi = child(mh, 'OtherInfo');
  const due = childText(mh, 'DueDate');
  const raw = {
    from: organization(requireChild(mh, 'From')),
    to: children(mh, 'To').map(organization),
    code: { number: childText(code, 'CodeNumber'), notation: childText(code, 'CodeNotation') },
    promulgation: { place: childText(prom, 'Place'), date: fromEdxmlDate(childText(prom, 'PromulgationDate') ?? '') },
    documentType: dt && { type: num(childText(dt, 'Type')), typeName: childText(dt, 'TypeName'), typeDetail: num(childText(dt, 'TypeDetail')) },
    subject: childText(mh, 'Subject'),
    content: childText(mh, 'Content'),
    signerInfo: si && { competence: childText(si, 'Competence'), position: childText(si, 'Position'), fullName: childText(si, 'FullName') },
    dueDate: due && fromEdxmlDate(due),
    toPlaces: (child(mh, 'ToPlaces') ? children(child(mh, 'ToPlaces')!, 'Place') : []).map((p) => p.textContent?.trim() ?? ''),
    otherInfo: oi && {
      priority: num(childText(oi, 'Priority')) ?? 0,
      sphereOfPromulgation: childText(oi, 'SphereOfPromulgation'),
      typerNotation: childText(oi, 'TyperNotation'),
      promulgationAmount: num(childText(oi, 'PromulgationAmount')),
      pageAmount: num(childText(oi, 'PageAmount')),
    },
    responseFor: children(mh, 'ResponseFor').map(responseFor),
    steeringType: num(childText(mh, 'SteeringType')),
    documentId: childText(mh, 'DocumentId'),
    business: business(h),
  };
  return validated(envelopeSchema, raw, 'MessageHeader');
}

function validated<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The edXML ${what} is invalid: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

function attachments(root: XmlElement): PackageAttachment[] {
  const enc = child(root, 'AttachmentEncoded');
  if (!enc) return [];
  return children(enc, 'Attachment').map((a) => ({
    name: childText(a, 'AttachmentName') ?? '',
    contentType: childText(a, 'ContentType') ?? 'application/octet-stream',
    contentId: (childText(a, 'ContentId') ?? '').replace(/^cid:/, ''),
    description: childText(a, 'Description'),
    data: Buffer.from(childText(a, 'ContentTransferEncoded') ?? '', 'base64'),
  }));
}

/** Reads a document package. VALIDATION_FAILED names the first broken rule set. */
export function importDocumentPackage(xml: string): DocumentPackage {
  const root = parseXml(xml);
  const h = header(root);
  const envelope = envelopeFrom(requireChild(h, 'MessageHeader'), h);
  return { envelope, trace: trace(h), attachments: attachments(root) };
}

/** Reads a status package; `to` is the agency named in ResponseFor (the original sender). */
export function importStatusPackage(xml: string): StatusPackage {
  const root = parseXml(xml);
  const h = header(root);
  const ms = requireChild(h, 'MessageStatus');
  const rf = responseFor(requireChild(ms, 'ResponseFor'));
  const si = child(ms, 'StaffInfo');
  const ts = childText(ms, 'Timestamp');
  const raw = {
    from: organization(requireChild(ms, 'From')),
    to: rf.organId,
    responseFor: rf,
    staffInfo: si && { department: childText(si, 'Department'), staff: childText(si, 'Staff'), mobile: childText(si, 'Mobile'), email: childText(si, 'Email') },
    statusCode: childText(ms, 'StatusCode'),
    description: childText(ms, 'Description') ?? '',
    timestamp: ts && fromEdxmlTimestamp(ts).toISOString(),
  };
  return { status: validated(statusMessageSchema, raw, 'MessageStatus'), trace: trace(h) };
}
