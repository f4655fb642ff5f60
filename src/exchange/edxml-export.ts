/**
 * edXML export: document and status packages in the structure of QCVN 102:2016 as read from the
 * VPCP sample and the VNPT/Bkav builders (domain notes §1.3-1.4): root `<edXML>` in the default
 * namespace, envelope children with the `edXML:` prefix (the national VDXP rejects other forms),
 * `yyyy/MM/dd` dates, and AttachmentEncoded OUTSIDE the envelope. The output is unsigned;
 * edxml-signature.ts adds the enveloped XML Signature.
 */
import type { Envelope, Organization, ResponseFor } from './envelope';
import { EDXML_NS, XLINK_NS, el, textEl, toEdxmlDate, toEdxmlTimestamp, type Child } from './edxml-format';
import type { DocumentPackage, PackageAttachment, StatusPackage, TraceHop } from './edxml-package';
import type { StatusMessage } from './status-message';

const p = (name: string) => `edXML:${name}`;

function organization(tag: string, o: Organization): string {
  return el(p(tag), [
    textEl(p('OrganId'), o.organId),
    textEl(p('OrganizationInCharge'), o.organizationInCharge),
    textEl(p('OrganName'), o.organName),
    textEl(p('OrganAdd'), o.organAdd),
    textEl(p('Email'), o.email),
    textEl(p('Telephone'), o.telephone),
    textEl(p('Fax'), o.fax),
    textEl(p('Website'), o.website),
  ]);
}

function responseFor(r: ResponseFor): string {
  return el(p('ResponseFor'), [
    textEl(p('OrganId'), r.organId),
    textEl(p('Code'), r.code),
    textEl(p('PromulgationDate'), toEdxmlDate(r.promulgationDate)),
    textEl(p('DocumentId'), r.documentId),
  ]);
}

/** MessageHeader 1.1 From .. 1.14 DocumentId, in the order of the LGSP builders. */
function messageHeader(e: Envelope): string {
  const o = e.otherInfo;
  return el(p('MessageHeader'), [
    organization('From', e.from),
    ...e.to.map((t) => organization('To', t)),
    el(p('Code'), [textEl(p('CodeNumber'), e.code.number), textEl(p('CodeNotation'), e.code.notation)]),
    el(p('PromulgationInfo'), [
      textEl(p('Place'), e.promulgation.place),
      textEl(p('PromulgationDate'), toEdxmlDate(e.promulgation.date)),
    ]),
    e.documentType &&
      el(p('DocumentType'), [
        textEl(p('Type'), e.documentType.type),
        textEl(p('TypeDetail'), e.documentType.typeDetail),
        textEl(p('TypeName'), e.documentType.typeName),
      ]),
    textEl(p('Subject'), e.subject),
    textEl(p('Content'), e.content),
    e.signerInfo &&
      el(p('SignerInfo'), [
        textEl(p('Competence'), e.signerInfo.competence),
        textEl(p('Position'), e.signerInfo.position),
        textEl(p('FullName'), e.signerInfo.fullName),
      ]),
    e.dueDate !== undefined && textEl(p('DueDate'), toEdxmlDate(e.dueDate)),
    el(p('ToPlaces'), e.toPlaces.map((pl) => textEl(p('Place'), pl))),
    el(p('OtherInfo'), [
      textEl(p('Priority'), o.priority),
      textEl(p('SphereOfPromulgation'), o.sphereOfPromulgation),
      textEl(p('TyperNotation'), o.typerNotation),
      textEl(p('PromulgationAmount'), o.promulgationAmount),
      textEl(p('PageAmount'), o.pageAmount),
    ]),
    ...e.responseFor.map(responseFor),
    textEl(p('SteeringType'), e.steeringType),
    textEl(p('DocumentId'), e.documentId),
  ]);
}

/** TraceHeaderList with SOAP-style attributes, the hop trail and the Bussiness block. */
function traceHeaderList(trace: TraceHop[], business: Child, id: string): string {
  return el(
    p('TraceHeaderList'),
    [
      ...trace.map((h) =>
        el(p('TraceHeader'), [textEl('OrganId', h.organId), textEl('Timestamp', toEdxmlTimestamp(h.at))]),
      ),
      business,
    ],
    { id, version: '1.0', mustUnderstand: '1', actor: 'http://schemas.xmlsoap.org/soap/actor/next' },
  );
}

function bussiness(e: Envelope): string {
  const b = e.business;
  return el(p('Bussiness'), [
    textEl(p('BussinessDocType'), b.docType),
    textEl(p('BussinessDocReason'), b.reason),
    textEl(p('DocumentId'), b.documentId),
    b.paper !== undefined && textEl(p('Paper'), b.paper ? 1 : 0),
  ]);
}

function manifest(attachments: PackageAttachment[]): string {
  return el(
    p('edXMLManifest'),
    attachments.map((a) =>
      el(
        p('Reference'),
        [
          textEl('Description', a.description ?? ''),
          textEl('AttachmentName', a.name),
          textEl('ContentType', a.contentType),
          textEl('ContentId', `cid:${a.contentId}`),
        ],
        { 'xmlns:xlink': XLINK_NS, 'xlink:href': `cid:${a.contentId}`, 'xlink:role': 'XLinkRole', 'xlink:type': 'simple' },
      ),
    ),
    { version: '1.0' },
  );
}

function attachmentEncoded(attachments: PackageAttachment[]): string {
  return el(
    'AttachmentEncoded',
    attachments.map((a) =>
      el('Attachment', [
        textEl('ContentType', a.contentType),
        textEl('ContentId', `cid:${a.contentId}`),
        textEl('Description', a.description ?? ''),
        textEl('ContentTransferEncoded', a.data.toString('base64')),
        textEl('AttachmentName', a.name),
      ]),
    ),
  );
}

function root(header: string, body: string, after: string): string {
  const envelope = el(p('edXMLEnvelope'), [el(p('edXMLHeader'), [header]), el(p('edXMLBody'), [body])], {
    'xmlns:edXML': EDXML_NS,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el('edXML', [envelope, after], { xmlns: EDXML_NS })}`;
}

/** Writes a document package (unsigned). `traceId` is the TraceHeaderList id (8 hex chars). */
export function exportDocumentPackage(pkg: DocumentPackage, traceId = '00000000'): string {
  const header = messageHeader(pkg.envelope) + traceHeaderList(pkg.trace, bussiness(pkg.envelope), traceId);
  return root(header, manifest(pkg.attachments), attachmentEncoded(pkg.attachments));
}

function messageStatus(s: StatusMessage): string {
  return el(p('MessageStatus'), [
    organization('From', s.from),
    responseFor(s.responseFor),
    s.staffInfo &&
      el(p('StaffInfo'), [
        textEl(p('Department'), s.staffInfo.department),
        textEl(p('Staff'), s.staffInfo.staff),
        textEl(p('Mobile'), s.staffInfo.mobile),
        textEl(p('Email'), s.staffInfo.email),
      ]),
    textEl(p('StatusCode'), s.statusCode),
    textEl(p('Description'), s.description),
    textEl(p('Timestamp'), toEdxmlTimestamp(new Date(s.timestamp))),
  ]);
}

/** Writes a status package (unsigned): same frame, MessageStatus header, empty manifest. */
export function exportStatusPackage(pkg: StatusPackage, traceId = '00000000'): string {
  const header = messageStatus(pkg.status) + traceHeaderList(pkg.trace, undefined, traceId);
  return root(header, manifest([]), '');
}
