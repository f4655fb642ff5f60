/**
 * multipart/form-data for POST /api/v1/exchange/messages, parsed from the whole body in memory.
 * The exchange keeps every attachment in memory anyway (it verifies and stores whole files), so
 * the body is read once into one Buffer and split with Buffer#indexOf (native search): part
 * contents are views into that Buffer, not copies. busboy's streaming search, file streams and
 * chunk copies cost about a tenth of the API's CPU per relayed message (issue 5 benchmark).
 *
 * Same results and errors as src/http/multipart.ts (busboy): a part is a file when it has a
 * filename (or is application/octet-stream), file names lose any path, fields are decoded with
 * their charset (UTF-8 by default). Differences: header parameters are read as UTF-8 (busboy reads
 * them as Latin-1, which garbles Vietnamese file names sent raw by browsers and fetch), a field
 * over 4 MiB is refused instead of silently cut, and the whole body is bounded by `maxBodyBytes`.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';

/** A parsed multipart body (the shape of readMultipart's). */
export interface ExchangeMultipartBody {
  fields: Record<string, string>;
  files: { field: string; filename: string; mimeType: string; data: Buffer }[];
}

/** Limits: per file, number of files, the whole body. */
export interface ExchangeMultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxBodyBytes: number;
}

const MAX_FIELD_BYTES = 4 * 1024 * 1024;
/** Part headers longer than this are malformed (busboy's bound too). */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

const malformed = () => new AppError('BAD_REQUEST', 'The multipart body is malformed.');

/** The boundary of a multipart/form-data Content-Type, or UNSUPPORTED_MEDIA_TYPE. */
export function boundaryOf(contentType: string | undefined): string {
  const m = /^\s*multipart\/form-data\s*(;.*)$/is.exec(contentType ?? '');
  const b = m ? params(m[1]).get('boundary') : undefined;
  if (!b || b.length > 70) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Expected a multipart/form-data body.');
  return b;
}

/** Reads and parses the request body; PAYLOAD_TOO_LARGE past a limit, BAD_REQUEST when malformed. */
export async function readExchangeMultipart(req: IncomingMessage, limits: ExchangeMultipartLimits): Promise<ExchangeMultipartBody> {
  const boundary = boundaryOf(req.headers['content-type']);
  return parseMultipart(await readBody(req, limits.maxBodyBytes), boundary, limits);
}

/** The whole body; past `max` bytes the rest is read and dropped, then PAYLOAD_TOO_LARGE (as busboy drains). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        tooLarge = true;
        chunks = [];
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) reject(new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${max} bytes.`));
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on('error', () => reject(malformed()));
    req.on('close', () => {
      if (!req.complete) reject(malformed());
    });
  });
}

/** Splits `body` at `--boundary` delimiters (RFC 7578 / RFC 2046 §5.1.1). */
export function parseMultipart(body: Buffer, boundary: string, limits: Omit<ExchangeMultipartLimits, 'maxBodyBytes'>): ExchangeMultipartBody {
  const out: ExchangeMultipartBody = { fields: {}, files: [] };
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const opening = delimiter.subarray(2);
  let at: number;
  if (body.subarray(0, opening.length).equals(opening)) at = opening.length; // no preamble: no CRLF before the first
  else {
    const first = body.indexOf(delimiter);
    if (first < 0) throw malformed();
    at = first + delimiter.length;
  }
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return out; // close delimiter
    while (body[at] === 0x20 || body[at] === 0x09) at++; // transport padding
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw malformed();
    at += 2;
    let contentStart: number;
    let headers = '';
    if (body[at] === 0x0d && body[at + 1] === 0x0a) contentStart = at + 2;
    else {
      const end = body.indexOf(CRLFCRLF, at);
      if (end < 0 || end - at > MAX_HEADER_BYTES) throw malformed();
      headers = body.toString('utf8', at, end);
      contentStart = end + 4;
    }
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) throw malformed();
    addPart(out, headers, body.subarray(contentStart, next), limits);
    at = next + delimiter.length;
  }
}

function addPart(out: ExchangeMultipartBody, headerText: string, data: Buffer, limits: Omit<ExchangeMultipartLimits, 'maxBodyBytes'>): void {
  const headers = new Map<string, string>();
  for (const line of headerText.split(CRLF.toString()).reduce<string[]>((ls, l) => {
    // an obsolete folded line continues the previous header
    if (/^[ \t]/.test(l) && ls.length > 0) ls[ls.length - 1] += ` ${l.trim()}`;
    else ls.push(l);
    return ls;
  }, [])) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed();
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const disposition = /^\s*([^;\s]+)\s*(;.*)?$/s.exec(headers.get('content-disposition') ?? '');
  if (!disposition || disposition[1].toLowerCase() !== 'form-data') return; // not a form field: skipped
  const p = params(disposition[2] ?? '');
  const name = p.get('name') ?? '';
  // an empty filename is no filename (busboy's rule: such a part is a field)
  const rawFilename = p.get('filename*') || p.get('filename') || undefined;
  const type = /^\s*([^/;\s]+\/[^;\s]+)\s*(;.*)?$/s.exec(headers.get('content-type') ?? '');
  const mimeType = type ? type[1].toLowerCase() : 'text/plain';
  if (rawFilename !== undefined || mimeType === 'application/octet-stream') {
    if (out.files.length >= limits.maxFiles) throw new AppError('PAYLOAD_TOO_LARGE', 'Too many files in one request.');
    const filename = rawFilename === undefined ? '' : basename(rawFilename);
    if (data.length > limits.maxFileBytes) throw new AppError('PAYLOAD_TOO_LARGE', `The file "${filename}" is larger than ${limits.maxFileBytes} bytes.`);
    out.files.push({ field: name, filename, mimeType, data });
    return;
  }
  if (data.length > MAX_FIELD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `The field "${name}" is larger than ${MAX_FIELD_BYTES} bytes.`);
  out.fields[name] = decode(data, (type?.[2] && params(type[2]).get('charset')) || 'utf-8');
}

/** `; key=value` parameters (token or quoted-string; RFC 5987 `key*=charset'lang'%xx`), keys lower-cased. */
function params(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/gs;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = m[1].toLowerCase();
    let value = m[2] !== undefined ? m[2].replace(/\\(.)/gs, '$1') : m[3].trim();
    if (key.endsWith('*')) {
      const ext = /^([^']*)'[^']*'(.*)$/s.exec(value);
      if (!ext) continue;
      value = decode(Buffer.from(ext[2].replace(/%([0-9a-fA-F]{2})|[^%]+|%/g, (s, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : s)), 'latin1'), ext[1] || 'utf-8');
    }
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

function decode(bytes: Buffer, charset: string): string {
  const c = charset.toLowerCase();
  if (c === 'utf-8' || c === 'utf8' || c === 'us-ascii') return bytes.toString('utf8');
  if (c === 'iso-8859-1' || c === 'latin1') return bytes.toString('latin1');
  try {
    return new TextDecoder(c).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** The last path segment, never '.' or '..' (busboy's rule: a file name carries no path). */
function basename(name: string): string {
  const last = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return last === '.' || last === '..' ? '' : last;
}
