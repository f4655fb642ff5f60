/**
 * The typed content of edXML packages, shared by export and import (parse and serialise are a
 * symmetric pair over these shapes).
 */
import type { Envelope } from './envelope';
import type { StatusMessage } from './status-message';

/** TraceHeader: one hop of the trail (OrganId, Timestamp), appended by every actor. */
export interface TraceHop {
  organId: string;
  at: Date;
}

/** An attachment carried base64 in AttachmentEncoded, outside the envelope. */
export interface PackageAttachment {
  name: string;
  contentType: string;
  /** Content-ID without the `cid:` scheme. */
  contentId: string;
  description?: string;
  data: Buffer;
}

/** A document package ("gói tin văn bản điện tử"). */
export interface DocumentPackage {
  envelope: Envelope;
  trace: TraceHop[];
  attachments: PackageAttachment[];
}

/** A status package ("gói tin trạng thái"). */
export interface StatusPackage {
  status: StatusMessage;
  trace: TraceHop[];
}
