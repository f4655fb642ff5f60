/**
 * The real service (startService: config -> adapters -> api role) on an ephemeral port with
 * embedded PGlite: signing needs a bearer key, the signed PDF verifies VALID through the public
 * endpoint, and the report validates against the published JSON Schema.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/log';
import { startService, type RunningService } from '../../../src/main';
import { validateReport } from '../../../src/verification/validate-report';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ADMIN = 'test-admin-key-0123456789';
let running: RunningService;
let base: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyso-api-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN, ROLE: 'api', PUBLIC_RATE_LIMIT: '1000' });
  running = await startService(config, silentLogger());
  base = `http://127.0.0.1:${running.address!.port}`;
});

afterAll(async () => {
  await running?.stop();
});

function signForm(pdf: Buffer, options: unknown): FormData {
  const form = new FormData();
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'quyet-dinh.pdf');
  form.append('options', JSON.stringify(options));
  return form;
}

describe('POST /api/v1/sign and /api/v1/verify', () => {
  const pdf = readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf'));

  test('When no API key is sent, then signing answers 401 UNAUTHORIZED', async () => {
    const r = await fetch(`${base}/api/v1/sign`, { method: 'POST', body: signForm(pdf, { keyAlias: 'org-can-giuoc' }) });
    expect(r.status).toBe(401);
    expect(((await r.json()) as any).error.code).toBe('UNAUTHORIZED');
  });

  test('When the key alias is unknown, then 404 KEY_NOT_FOUND', async () => {
    const r = await fetch(`${base}/api/v1/sign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
      body: signForm(pdf, { keyAlias: 'no-such-key' }),
    });
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.code).toBe('KEY_NOT_FOUND');
  });

  test('When the admin signs with a configured key, then the signed PDF verifies VALID and the report matches the schema', async () => {
    const r = await fetch(`${base}/api/v1/sign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
      body: signForm(pdf, { keyAlias: 'org-can-giuoc', reason: 'Đóng dấu' }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const signed = Buffer.from(await r.arrayBuffer());
    expect(signed.subarray(0, pdf.length).equals(pdf)).toBe(true);

    const v = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: signed });
    expect(v.status).toBe(200);
    const report = (await v.json()) as any;
    expect(report.verdict).toBe('VALID');
    expect(validateReport(report)).toEqual([]);

    const tampered = Buffer.from(signed);
    tampered[100] ^= 0x01;
    const t = (await (await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: tampered })).json()) as any;
    expect(t.verdict).toBe('INVALID');
  });

  test('When the body is not a PDF, then verify answers 422 VERIFY_UNREADABLE', async () => {
    const r = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: 'hello' });
    expect(r.status).toBe(422);
    expect(((await r.json()) as any).error.code).toBe('VERIFY_UNREADABLE');
  });

  test('When the options are not valid JSON, then 400 VALIDATION_FAILED', async () => {
    const form = new FormData();
    form.append('file', new Blob([pdf]), 'a.pdf');
    form.append('options', '{nope');
    const r = await fetch(`${base}/api/v1/sign`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: form });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.code).toBe('VALIDATION_FAILED');
  });

  test('When /healthz is asked, then it names the embedded database', async () => {
    const h = (await (await fetch(`${base}/healthz`)).json()) as any;
    expect(h).toMatchObject({ status: 'ok', database: 'pglite' });
  });
});
