/**
 * Shared edXML writing and reading helpers: the QCVN 102 namespace, `yyyy/MM/dd` dates, and a
 * small element builder and reader over @xmldom/xmldom. Vietnamese axes write local time
 * (UTC+7, no daylight saving) as `yyyy/MM/dd HH:mm:ss`.
 */
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { AppError } from '../errors';

/** QCVN 102:2016 namespace, bound to the default namespace and to the `edXML:` prefix. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** XLink namespace of manifest references. */
export const XLINK_NS = 'http://www.w3.org/1999/xlink';

const VN_OFFSET_MS = 7 * 3600 * 1000;

/** ISO `YYYY-MM-DD` → edXML `yyyy/MM/dd`. */
export function toEdxmlDate(iso: string): string {
  return iso.replace(/-/g, '/');
}

/** edXML `yyyy/MM/dd` (or ISO) → `YYYY-MM-DD`; VALIDATION_FAILED for anything else. */
export function fromEdxmlDate(text: string): string {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})$/.exec(text.trim());
  if (!m) throw new AppError('VALIDATION_FAILED', `edXML dates are written yyyy/MM/dd, got "${text}"`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** An instant → `yyyy/MM/dd HH:mm:ss` in Vietnam time. */
export function toEdxmlTimestamp(at: Date): string {
  const s = new Date(at.getTime() + VN_OFFSET_MS).toISOString();
  return `${s.slice(0, 10).replace(/-/g, '/')} ${s.slice(11, 19)}`;
}

/** `yyyy/MM/dd HH:mm:ss` (Vietnam time) → instant. */
export function fromEdxmlTimestamp(text: string): Date {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new AppError('VALIDATION_FAILED', `edXML timestamps are written yyyy/MM/dd HH:mm:ss, got "${text}"`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`);
}

/** Escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Child content: nested elements (already serialised) or nothing when the value is absent. */
export type Child = string | undefined | null | false;

/** `<name attrs>text</name>`; omitted when text is undefined. */
export function textEl(name: string, text: string | number | boolean | undefined): string {
  if (text === undefined) return '';
  return `<${name}>${escapeXml(String(text))}</${name}>`;
}

/** `<name attrs>children</name>`. */
export function el(name: string, children: Child[], attrs: Record<string, string> = {}): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return `<${name}${a}>${children.filter(Boolean).join('')}</${name}>`;
}

/** Parses XML; VALIDATION_FAILED when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  let failed: string | undefined;
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') failed ??= String(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (failed || !root) throw new AppError('VALIDATION_FAILED', `The edXML package is not well-formed XML: ${failed ?? 'no root'}`);
  return root;
}

/** Element children of `parent` with this local name in the edXML namespace. */
export function children(parent: XmlElement, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as XmlElement;
      if (e.localName === localName && (e.namespaceURI === EDXML_NS || e.namespaceURI === null)) out.push(e);
    }
  }
  return out;
}

/** The one child with this local name, or undefined. */
export function child(parent: XmlElement, localName: string): XmlElement | undefined {
  return children(parent, localName)[0];
}

/** The one child with this local name; VALIDATION_FAILED when missing. */
export function requireChild(parent: XmlElement, localName: string): XmlElement {
  const c = child(parent, localName);
  if (!c) throw new AppError('VALIDATION_FAILED', `edXML element ${parent.localName} lacks ${localName}`);
  return c;
}

/** Trimmed text of a child element, or undefined when absent or empty. */
export function childText(parent: XmlElement, localName: string): string | undefined {
  const c = child(parent, localName);
  const t = c?.textContent?.trim();
  return t ? t : undefined;
}
