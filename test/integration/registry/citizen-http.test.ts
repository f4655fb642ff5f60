import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/app';
import { adminAuthenticator } from '../../../src/http/auth';
import { registryAuthenticator } from '../../../src/http/registry-authenticator';
import { createAgenciesRouter } from '../../../src/http/routes/agencies-router';
import { createDocumentsRouter } from '../../../src/http/routes/documents-router';
import { createCitizenRouter } from '../../../src/web/citizen-router';
import type { CitizenCheck } from '../../../src/web/citizen-check';
import { silentLogger } from '../../../src/log';
import type { Database } from '../../../src/registry/database';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { completeDocument, registerDocument, reserveDocument } from '../../../src/documents/register-document';
import type { DocumentsDeps } from '../../../src/documents/document';
import { TEST_DATABASE_KINDS, openTestDatabase } from '../../helpers/test-db';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';
const SIGNED = Buffer.from('%PDF-1.7\n% a signed official letter\n%%EOF\n');

describe.each(TEST_DATABASE_KINDS)('registry HTTP API and citizen page on %s', (kind) => {
  let database: Database;
  let server: http.Server;
  let base: string;
  let deps: DocumentsDeps;
  let issuerKey: string;
  let otherKey: string;
  const verified: Uint8Array[] = [];

  const fakeVerify = async (bytes: Uint8Array): Promise<CitizenCheck> => {
    verified.push(bytes);
    const ok = Buffer.from(bytes).equals(SIGNED);
    return {
      verdict: ok ? 'VALID' : 'MODIFIED',
      explanationVi: ok ? 'Tài liệu hợp lệ.' : 'Tài liệu đã bị sửa đổi sau khi ký.',
      signatures: [{ signer: 'CN=Nguyễn Văn A', signingTime: '2025-03-01T02:00:00Z', explanationVi: ok ? 'Chữ ký hợp lệ.' : 'Chữ ký không hợp lệ.' }],
    };
  };

  async function call(method: string, path: string, opts: { key?: string; json?: unknown; body?: FormData } = {}) {
    const headers: Record<string, string> = {};
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let body: string | FormData | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, text: buf.toString('utf8'), buf, json: () => JSON.parse(buf.toString('utf8')) };
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    deps = { db: database.db, store: new MemoryDocumentStore(), publicBaseUrl: 'https://tracuu.example.vn' };
    const auth = adminAuthenticator(ADMIN_KEY, registryAuthenticator(database.db));
    const app = createApp({
      logger: silentLogger(),
      mounts: [
        { path: '/', router: createAgenciesRouter({ auth, db: database.db }) },
        { path: '/', router: createDocumentsRouter({ auth, documents: deps }) },
        { path: '/', router: createCitizenRouter({ documents: deps, verifyPdf: fakeVerify, rateLimitPerMinute: 1000 }) },
      ],
    });
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await database?.close();
  });

  test('when the admin creates agencies, then each answer carries its first API key once; others are refused', async () => {
    const created = await call('POST', '/api/v1/agencies', { key: ADMIN_KEY, json: { code: '000.00.14.H20', name: 'Sở Thông tin và Truyền thông Đồng Tháp' } });
    expect(created.status).toBe(201);
    issuerKey = created.json().apiKey;
    expect(issuerKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    otherKey = (await call('POST', '/api/v1/agencies', { key: ADMIN_KEY, json: { code: '000.00.15.H20', name: 'Sở Tư pháp' } })).json().apiKey;

    const byAgency = await call('POST', '/api/v1/agencies', { key: issuerKey, json: { code: '000.00.16.H20', name: 'x' } });
    expect([byAgency.status, byAgency.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const bad = await call('POST', '/api/v1/agencies', { key: ADMIN_KEY, json: { code: '28.22.H17', name: 'x' } });
    expect([bad.status, bad.json().error.code]).toEqual([400, 'AGENCY_CODE_INVALID']);
    const noKey = await call('GET', '/api/v1/agencies');
    expect(noKey.status).toBe(401);

    const one = await call('GET', '/api/v1/agencies/000.00.14.H20', { key: otherKey });
    expect(one.json()).toMatchObject({ code: '000.00.14.H20', parentCode: '000.00.00.H20', delivery: { mode: 'pull' } });
    expect(one.text).not.toContain(issuerKey);
    const list = await call('GET', '/api/v1/agencies', { key: issuerKey });
    expect(list.json().agencies.map((a: { code: string }) => a.code)).toEqual(['000.00.14.H20', '000.00.15.H20']);
    expect((await call('GET', '/api/v1/agencies/000.00.99.H20', { key: issuerKey })).status).toBe(404);
  });

  test('when a citizen opens the QR link, then the page shows the document in Vietnamese; a revocation shows on the next request', async () => {
    const reserved = await reserveDocument(deps, { issuingAgencyCode: '000.00.14.H20', actor: { kind: 'agency', agencyCode: '000.00.14.H20' } });
    await completeDocument(deps, {
      id: reserved.id,
      signedBytes: SIGNED,
      metadata: {
        numberAndNotation: '123/QĐ-STTTT',
        title: 'Quyết định phê duyệt kế hoạch chuyển đổi số năm 2025',
        documentType: 'Quyết định',
        signers: [{ name: 'Nguyễn Văn A', subject: 'CN=Nguyễn Văn A', issuer: 'CN=Kyso Dev CA, O=Kyso', serial: '0a1b2c', signingTime: '2025-03-01T17:30:00Z' }],
      },
      actor: { kind: 'agency', agencyCode: '000.00.14.H20' },
    });
    const path = new URL(reserved.verificationUrl).pathname + new URL(reserved.verificationUrl).search;
    const page = await call('GET', path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html; charset=utf-8/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('Còn hiệu lực');
    expect(page.text).toContain('Sở Thông tin và Truyền thông Đồng Tháp');
    expect(page.text).toContain('123/QĐ-STTTT');
    expect(page.text).toContain('2025-03-02T00:30:00+07:00'); // 17:30Z is the next day in Vietnam
    expect(page.text).toContain('02/03/2025');
    expect(page.text).toContain('CN=Kyso Dev CA, O=Kyso');
    expect(page.text).not.toMatch(/<script|<link|@import|https?:\/\/(?!tracuu)/i);
    expect(page.text).toMatch(/<meta name="viewport"/);

    const revoke = await call('POST', `/api/v1/documents/${reserved.id}/revoke`, { key: issuerKey, json: { reason: 'Ban hành sai thẩm quyền' } });
    expect([revoke.status, revoke.json().status]).toEqual([200, 'revoked']);
    const after = await call('GET', path);
    expect(after.text).toContain('Đã bị thu hồi');
    expect(after.text).toContain('Ban hành sai thẩm quyền');
    expect(after.text).not.toContain('Còn hiệu lực');
    const again = await call('POST', `/api/v1/documents/${reserved.id}/revoke`, { key: issuerKey, json: { reason: 'x' } });
    expect([again.status, again.json().error.code]).toEqual([409, 'DOCUMENT_ALREADY_FINAL']);
  });

  test('when the issuer replaces a document, then only the issuer or admin may, and the page names the replacement', async () => {
    const actor = { kind: 'agency' as const, agencyCode: '000.00.14.H20' };
    const meta = { numberAndNotation: '10/TB-STTTT', title: 'Thông báo', signers: [] };
    const old = await registerDocument(deps, { issuingAgencyCode: '000.00.14.H20', signedBytes: Buffer.from('old'), metadata: meta, actor });
    const repl = await registerDocument(deps, { issuingAgencyCode: '000.00.14.H20', signedBytes: Buffer.from('new'), metadata: { ...meta, numberAndNotation: '11/TB-STTTT' }, actor });
    const forbidden = await call('POST', `/api/v1/documents/${old.id}/replace`, { key: otherKey, json: { reason: 'r', replacementId: repl.id } });
    expect([forbidden.status, forbidden.json().error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await call('GET', `/api/v1/documents/${old.id}`, { key: otherKey })).status).toBe(403);
    const invalid = await call('POST', `/api/v1/documents/${old.id}/replace`, { key: issuerKey, json: { reason: '' } });
    expect([invalid.status, invalid.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const ok = await call('POST', `/api/v1/documents/${old.id}/replace`, { key: ADMIN_KEY, json: { reason: 'Đính chính', replacementId: repl.id } });
    expect(ok.json()).toMatchObject({ status: 'replaced', replacedBy: repl.id });
    const got = await call('GET', `/api/v1/documents/${old.id}`, { key: issuerKey });
    expect(got.json()).toMatchObject({ id: old.id, status: 'replaced', statusReason: 'Đính chính' });
    expect(got.text).not.toMatch(/token|access_token/i);
    const page = await call('GET', `/v/${old.id}?t=${old.token}`);
    expect(page.text).toContain('Đã được thay thế bởi văn bản số 11/TB-STTTT');
    const statusOnly = await call('GET', `/v/${old.id}`);
    expect(statusOnly.status).toBe(200);
    expect(statusOnly.text).toContain('Đã được thay thế');
    expect(statusOnly.text).not.toContain('10/TB-STTTT');
    expect(statusOnly.text).not.toContain('/file');
  });

  test('when an agency reserves, signs and completes over the API, then the QR URL opens the document; register works in one call', async () => {
    const reserved = await call('POST', '/api/v1/documents/reserve', { key: issuerKey, json: { issuingAgencyCode: '000.00.14.H20' } });
    expect(reserved.status).toBe(201);
    const { id, token, verificationUrl } = reserved.json();
    expect(verificationUrl).toBe(`https://tracuu.example.vn/v/${id}?t=${token}`);
    const foreign = await call('POST', '/api/v1/documents/reserve', { key: otherKey, json: { issuingAgencyCode: '000.00.14.H20' } });
    expect(foreign.status).toBe(403);
    const form = (meta: unknown) => {
      const fd = new FormData();
      fd.append('metadata', JSON.stringify(meta));
      fd.append('file', new Blob([SIGNED], { type: 'application/pdf' }), 'signed.pdf');
      return fd;
    };
    const meta = { numberAndNotation: '77/CV-STTTT', title: 'Công văn', signers: [] };
    const completed = await call('POST', `/api/v1/documents/${id}/complete`, { key: issuerKey, body: form(meta) });
    expect([completed.status, completed.json().status]).toEqual([200, 'valid']);
    expect((await call('GET', `/v/${id}?t=${token}`)).text).toContain('77/CV-STTTT');
    const badMeta = await call('POST', `/api/v1/documents/${id}/complete`, { key: issuerKey, body: form({}) });
    expect(badMeta.status).toBe(400);
    const one = await call('POST', '/api/v1/documents', { key: issuerKey, body: form({ ...meta, numberAndNotation: '78/CV-STTTT' }) });
    expect(one.status).toBe(201);
    expect(one.json().document).toMatchObject({ issuingAgencyCode: '000.00.14.H20', numberAndNotation: '78/CV-STTTT', status: 'valid' });
    expect((await call('POST', '/api/v1/documents', { key: ADMIN_KEY, body: form(meta) })).status).toBe(400);
  });

  test('when the id is unknown or the token wrong, then page, file and check answers are identical (no enumeration)', async () => {
    const { id } = await registerDocument(deps, {
      issuingAgencyCode: '000.00.14.H20',
      signedBytes: Buffer.from('enum'),
      metadata: { numberAndNotation: '1/X', title: 'T' },
      actor: { kind: 'admin' },
    });
    const pending = await reserveDocument(deps, { issuingAgencyCode: '000.00.14.H20', actor: { kind: 'admin' } });
    const probes = [
      `/v/VB-0000000000000000?t=abc`,
      `/v/${id}?t=abc`,
      `/v/${pending.id}?t=${pending.token}`,
      `/v/${pending.id}`,
      `/v/not-an-id?t=abc`,
    ];
    const answers = await Promise.all(probes.map((p) => call('GET', p)));
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.text).toBe(answers[0].text);
      expect(a.headers.get('content-type')).toBe(answers[0].headers.get('content-type'));
    }
    expect(answers[0].text).toContain('Không tìm thấy văn bản');
    const files = await Promise.all([`/v/VB-0000000000000000/file?t=abc`, `/v/${id}/file?t=abc`, `/v/${id}/file`].map((p) => call('GET', p)));
    for (const f of files) expect([f.status, f.text]).toEqual([404, answers[0].text]);
    const form = () => {
      const fd = new FormData();
      fd.append('file', new Blob([SIGNED]), 'x.pdf');
      return fd;
    };
    const checks = await Promise.all([`/v/VB-0000000000000000/check?t=abc`, `/v/${id}/check?t=abc`].map((p) => call('POST', p, { body: form() })));
    for (const c of checks) expect([c.status, c.text]).toEqual([404, answers[0].text]);
  });

  test('when the citizen downloads and uploads copies, then the authentic copy is confirmed and a changed byte is refused', async () => {
    const { id, token } = await registerDocument(deps, {
      issuingAgencyCode: '000.00.14.H20',
      signedBytes: SIGNED,
      metadata: { numberAndNotation: '5/QĐ', title: 'Quyết định', signers: [] },
      actor: { kind: 'admin' },
    });
    const file = await call('GET', `/v/${id}/file?t=${token}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.buf.equals(SIGNED)).toBe(true);

    const upload = async (bytes: Buffer) => {
      const fd = new FormData();
      fd.append('file', new Blob([bytes], { type: 'application/pdf' }), 'van-ban.pdf');
      return call('POST', `/v/${id}/check?t=${token}`, { body: fd });
    };
    const good = await upload(SIGNED);
    expect(good.status).toBe(200);
    expect(good.text).toContain('Tệp trùng khớp với bản gốc đã đăng ký');
    expect(good.text).toContain('Tài liệu hợp lệ.');
    expect(Buffer.from(verified[verified.length - 1]).equals(SIGNED)).toBe(true);

    const tampered = Buffer.from(SIGNED);
    tampered[12] ^= 0x01;
    const bad = await upload(tampered);
    expect(bad.text).toContain('Tệp KHÔNG trùng khớp với bản gốc đã đăng ký');
    expect(bad.text).toContain('Tài liệu đã bị sửa đổi sau khi ký.');
    expect(bad.text).not.toContain('Tệp trùng khớp với bản gốc');
  });
});

describe('citizen page rate limit', () => {
  test('when a client exceeds the per-minute budget, then it gets 429', async () => {
    const database = await openTestDatabase('postgres');
    const app = createApp({
      logger: silentLogger(),
      mounts: [{ path: '/', router: createCitizenRouter({ documents: { db: database.db, store: new MemoryDocumentStore() }, rateLimitPerMinute: 3 }) }],
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v/VB-0000000000000000`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(url)).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await new Promise((r) => server.close(r));
      await database.close();
    }
  });
});
