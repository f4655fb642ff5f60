/**
 * The exchange route's in-memory multipart parser gives what busboy (src/http/multipart.ts) gives
 * for the same bodies, and refuses what busboy refuses with the same codes.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { readMultipart } from '../../../src/http/multipart';
import { boundaryOf, parseMultipart, readExchangeMultipart } from '../../../src/http/exchange-multipart';

const B = 'kysoBoundary0123';
const limits = { maxFileBytes: 1000, maxFiles: 3 };

/** A request stream (two chunks) as both parsers take it. */
function requestOf(body: Buffer, headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${B}` }): IncomingMessage & Request {
  return Object.assign(Readable.from([body.subarray(0, 7), body.subarray(7)]), { headers }) as unknown as IncomingMessage & Request;
}

const part = (headers: string, content: string | Buffer) => Buffer.concat([Buffer.from(`--${B}\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
const close = Buffer.from(`--${B}--\r\n`);

const bodies: Record<string, Buffer> = {
  'an envelope and two files': Buffer.concat([
    part('Content-Disposition: form-data; name="envelope"\r\nContent-Type: application/json', '{"a":"Sở Thông tin"}'),
    part('Content-Disposition: form-data; name="attachments"; filename="a.pdf"\r\nContent-Type: application/pdf', '%PDF-1\r\n--not-the-boundary\r\n'),
    part('content-disposition: form-data; name=attachments; filename="C:\\\\dir\\\\b.pdf"', Buffer.from([0, 1, 2, 13, 10, 45, 45])),
    close,
  ]),
  'a preamble, an epilogue, a latin1 field, an octet-stream part without a name, a skipped part': Buffer.concat([
    Buffer.from('preamble\r\n'),
    part('Content-Disposition: form-data; name="x"\r\nContent-Type: text/plain; charset=ISO-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9])),
    part('Content-Disposition: form-data; name="blob"\r\nContent-Type: application/octet-stream', 'raw'),
    part('Content-Disposition: attachment; name="ignored"', 'nothing'),
    part('Content-Disposition: form-data; name="empty"; filename=""', 'a field after all'),
    close,
    Buffer.from('epilogue'),
  ]),
  'an RFC 5987 file name': Buffer.concat([part(`Content-Disposition: form-data; name="attachments"; filename*=utf-8''%E2%82%AC%20rates.pdf`, 'x'), close]),
};

describe('readExchangeMultipart', () => {
  test.each(Object.keys(bodies))('when the body has %s, then fields and files are those busboy finds', async (name) => {
    const ours = await readExchangeMultipart(requestOf(bodies[name]), { ...limits, maxBodyBytes: 10_000 });
    const theirs = await readMultipart(requestOf(bodies[name]), { maxBytes: limits.maxFileBytes, maxFiles: limits.maxFiles });
    expect(ours.fields).toEqual(theirs.fields);
    expect(ours.files.map((f) => ({ ...f, data: f.data.toString('hex') }))).toEqual(theirs.files.map((f) => ({ ...f, data: f.data.toString('hex') })));
  });

  test('when a file name is sent as raw UTF-8 (browsers, fetch), then it is read as UTF-8', () => {
    const body = Buffer.concat([part('Content-Disposition: form-data; name="attachments"; filename="quyết-định.pdf"', '%PDF-'), close]);
    expect(parseMultipart(body, B, limits).files[0].filename).toBe('quyết-định.pdf');
  });

  test('when the body comes from a FormData, then the envelope and every file are found', async () => {
    const form = new FormData();
    form.append('envelope', '{"subject":"Về việc"}');
    form.append('attachments', new Blob([Buffer.from('%PDF-1.7 one')], { type: 'application/pdf' }), 'one.pdf');
    form.append('attachments', new Blob([Buffer.from('%PDF-1.7 two')], { type: 'application/pdf' }), 'two.pdf');
    const r = new Response(form);
    const body = Buffer.from(await r.arrayBuffer());
    const parsed = parseMultipart(body, boundaryOf(r.headers.get('content-type') ?? ''), limits);
    expect(parsed.fields).toEqual({ envelope: '{"subject":"Về việc"}' });
    expect(parsed.files.map((f) => [f.field, f.filename, f.mimeType, f.data.toString()])).toEqual([
      ['attachments', 'one.pdf', 'application/pdf', '%PDF-1.7 one'],
      ['attachments', 'two.pdf', 'application/pdf', '%PDF-1.7 two'],
    ]);
  });

  test.each([
    ['the closing delimiter is missing', Buffer.concat([part('Content-Disposition: form-data; name="a"', 'x')]), 'BAD_REQUEST'],
    ['there is no delimiter at all', Buffer.from('just text'), 'BAD_REQUEST'],
    ['a part header has no colon', Buffer.concat([part('Content-Disposition form-data', 'x'), close]), 'BAD_REQUEST'],
    ['a file is larger than the limit', Buffer.concat([part('Content-Disposition: form-data; name="f"; filename="a.pdf"', 'x'.repeat(1001)), close]), 'PAYLOAD_TOO_LARGE'],
    ['there are too many files', Buffer.concat([...[1, 2, 3, 4].map((i) => part(`Content-Disposition: form-data; name="f"; filename="${i}.pdf"`, 'x')), close]), 'PAYLOAD_TOO_LARGE'],
  ])('when %s, then it is refused', async (_what, body, code) => {
    await expect(readExchangeMultipart(requestOf(body), { ...limits, maxBodyBytes: 10_000 })).rejects.toMatchObject({ code });
  });

  test('when the whole body is larger than the limit, then PAYLOAD_TOO_LARGE after reading it', async () => {
    await expect(readExchangeMultipart(requestOf(bodies['an envelope and two files']), { ...limits, maxBodyBytes: 100 })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  test.each(['application/json', 'multipart/form-data', 'multipart/mixed; boundary=x', undefined])('when the content type is %s, then UNSUPPORTED_MEDIA_TYPE', async (type) => {
    await expect(readExchangeMultipart(requestOf(close, type ? { 'content-type': type } : {}), { ...limits, maxBodyBytes: 100 })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  test('when the boundary is quoted, then it is unquoted', () => {
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
  });
});
