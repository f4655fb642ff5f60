/**
 * The receipts router on the real service (startService: config -> adapters -> api role, PORT 0,
 * embedded PGlite under a temporary DATA_DIR, the development key store): agencies are created
 * through the admin API, and their keys issue, retry, correct, look up, report and take payments.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/log';
import { startService, type RunningService } from '../../../src/main';
import { hasValidCrc } from '../../../src/receipts/emv-tlv';
import { parseVietQr } from '../../../src/receipts/vietqr';

const ADMIN = 'test-admin-key-receipts-0123456789';
const CAN_GIUOC = '000.00.31.H40';
const OTHER = '000.00.14.H40';
let running: RunningService;
let base: string;
let dataDir: string;
let agencyKey: string;
let otherKey: string;

async function call(method: string, url: string, opts: { key?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + url, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const buf = Buffer.from(await res.arrayBuffer());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: buf.toString('utf8'), buf, json: (): any => JSON.parse(buf.toString('utf8')) };
}

function request(idempotencyKey: string, overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey,
    agencyCode: CAN_GIUOC,
    collector: {
      name: 'UBND huyện Cần Giuộc', taxCode: '1100123456', address: 'Khu phố 1, thị trấn Cần Giuộc, huyện Cần Giuộc, tỉnh Long An',
      bankAccount: '0011001234567', bankName: 'Vietcombank', bankBin: '970436',
    },
    payer: { name: 'Nguyễn Thị Hoa', personalId: '080190001234', address: 'xã Long Thượng, huyện Cần Giuộc' },
    dossierCode: 'H40.31-250602-0001',
    items: [
      { procedureCode: 'GPXD-NORL', feeCode: 'LP-GPXD-NORL', quantity: 1 },
      { name: 'Phí chứng thực bản sao (trang 1-2)', kind: 'phi', unitPrice: 2000, quantity: 2 },
    ],
    paymentMethod: 'cash',
    ...overrides,
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kyso-receipts-http-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN, ROLE: 'api', PUBLIC_RATE_LIMIT: '1000', PUBLIC_BASE_URL: 'https://tracuu.example.vn' });
  running = await startService(config, silentLogger());
  base = `http://127.0.0.1:${running.address!.port}`;
  agencyKey = (await call('POST', '/api/v1/agencies', { key: ADMIN, json: { code: CAN_GIUOC, name: 'UBND huyện Cần Giuộc' } })).json().apiKey;
  otherKey = (await call('POST', '/api/v1/agencies', { key: ADMIN, json: { code: OTHER, name: 'Sở Thông tin và Truyền thông Long An' } })).json().apiKey;
  const fee = { code: 'GPXD-NORL', name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', fees: [{ code: 'LP-GPXD-NORL', name: 'Lệ phí cấp giấy phép xây dựng', kind: 'le_phi', amount: 75000 }] };
  const put = await call('PUT', `/api/v1/fees/${CAN_GIUOC}/procedures/GPXD-NORL`, { key: ADMIN, json: fee });
  if (put.status !== 200) throw new Error(`fee catalogue: ${put.status} ${put.text}`);
}, 60_000);

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('receipts HTTP API on the real service', () => {
  let first: { id: string; number: number; lookupUrl: string; total: number; symbol: string; templateSymbol: string };

  test('when an agency issues a receipt, then 201 with number 1, the catalogue total, and its signed files', async () => {
    const r = await call('POST', '/api/v1/receipts', { key: agencyKey, json: request('http-key-0001') });
    expect(r.status).toBe(201);
    first = r.json();
    expect(first).toMatchObject({ templateSymbol: 'EBL01', number: 1, numberText: '0000001', total: 79000, status: 'issued', kind: 'original' });
    expect(first.lookupUrl).toMatch(new RegExp(`^https://tracuu.example.vn/r/${first.id}\\?t=`));
    const pdf = await call('GET', `/api/v1/receipts/${first.id}/pdf`, { key: agencyKey });
    expect(pdf.type).toMatch(/application\/pdf/);
    expect(pdf.buf.includes(Buffer.from('/ETSI.CAdES.detached'))).toBe(true);
    const xml = await call('GET', `/api/v1/receipts/${first.id}/xml`, { key: agencyKey });
    expect(pdf.buf.includes(xml.buf)).toBe(true);
    expect(xml.text).toContain('<TgTTTBSo>79000</TgTTTBSo><TgTTTBChu>Bảy mươi chín nghìn đồng</TgTTTBChu>');
  });

  test('when the same key is retried, then the same receipt (201, no new number); with another body, then 409', async () => {
    const again = await call('POST', '/api/v1/receipts', { key: agencyKey, json: request('http-key-0001') });
    expect(again.status).toBe(201);
    expect(again.json().id).toBe(first.id);
    const conflict = await call('POST', '/api/v1/receipts', { key: agencyKey, json: request('http-key-0001', { paymentMethod: 'card' }) });
    expect(conflict.status).toBe(409);
    expect(conflict.json().error.code).toBe('CONFLICT');
  });

  test('when calls lack a key, use another agency key or name unknown receipts, then 401, 403 and 404', async () => {
    expect((await call('POST', '/api/v1/receipts', { json: request('http-key-nokey') })).status).toBe(401);
    const forbidden = await call('POST', '/api/v1/receipts', { key: otherKey, json: request('http-key-other') });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    expect((await call('GET', `/api/v1/receipts/${first.id}`, { key: otherKey })).status).toBe(403);
    expect((await call('GET', '/api/v1/receipts/BL-NOSUCHRECEIPT000', { key: agencyKey })).json().error.code).toBe('RECEIPT_NOT_FOUND');
    expect((await call('GET', `/r/${first.id}?t=wrong-token`)).status).toBe(404);
    expect((await call('PUT', `/api/v1/fees/${CAN_GIUOC}/procedures/X`, { key: agencyKey, json: { code: 'X', name: 'x', fees: [] } })).status).toBe(403);
  });

  test('when the citizen opens the QR link, then a Vietnamese page shows the receipt, its status and a valid XML signature', async () => {
    const page = await call('GET', first.lookupUrl.replace('https://tracuu.example.vn', ''));
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    expect(page.text).toContain('0000001');
    expect(page.text).toContain('79.000');
    expect(page.text).toMatch(/hợp lệ/i);
  });

  test('when an increase, a decrease and an information adjustment are issued, then each references the original, which is marked adjusted', async () => {
    const base = { reason: 'Sai số trang chứng thực' };
    const inc = await call('POST', `/api/v1/receipts/${first.id}/corrections`, {
      key: agencyKey, json: { ...base, idempotencyKey: 'http-adj-inc-1', kind: 'adjust_increase', items: [{ name: 'Phí chứng thực bản sao (trang 3)', kind: 'phi', unitPrice: 1000, quantity: 1 }] },
    });
    expect(inc.status).toBe(201);
    expect(inc.json()).toMatchObject({ kind: 'adjust_increase', originalId: first.id, number: 2, total: 1000 });
    const dec = await call('POST', `/api/v1/receipts/${first.id}/corrections`, {
      key: agencyKey, json: { ...base, idempotencyKey: 'http-adj-dec-1', kind: 'adjust_decrease', items: [{ name: 'Phí chứng thực bản sao (giảm)', kind: 'phi', unitPrice: 2000, quantity: 1 }] },
    });
    expect(dec.json()).toMatchObject({ kind: 'adjust_decrease', number: 3, total: 2000 });
    const info = await call('POST', `/api/v1/receipts/${first.id}/corrections`, {
      key: agencyKey, json: { ...base, idempotencyKey: 'http-adj-info-1', kind: 'adjust_information', payer: { name: 'Nguyễn Thị Hòa', personalId: '080190001234' } },
    });
    expect(info.json()).toMatchObject({ kind: 'adjust_information', number: 4, total: 0 });
    const xml = (await call('GET', `/api/v1/receipts/${info.json().id}/xml`, { key: agencyKey })).text;
    const related = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName('TTBLLQuan')[0]!;
    expect(related.getElementsByTagName('LDChinh')[0]!.textContent).toBe('3');
    expect(related.getElementsByTagName('SBLCLQuan')[0]!.textContent).toBe('1');
    const original = (await call('GET', `/api/v1/receipts/${first.id}`, { key: agencyKey })).json();
    expect(original.receipt.status).toBe('adjusted');
    expect(original.corrections.map((c: { number: number }) => c.number)).toEqual([2, 3, 4]);
  });

  test('when the original is replaced, then a second replacement is 409 RECEIPT_ALREADY_REPLACED', async () => {
    const replace = (key: string) => call('POST', `/api/v1/receipts/${first.id}/corrections`, { key: agencyKey, json: { idempotencyKey: key, kind: 'replacement', reason: 'Sai tên người nộp' } });
    const replaced = await replace('http-repl-1');
    expect(replaced.status).toBe(201);
    expect(replaced.json()).toMatchObject({ kind: 'replacement', number: 5, total: 79000 });
    const again = await replace('http-repl-2');
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('RECEIPT_ALREADY_REPLACED');
  });

  test('when the report is asked for, then JSON and CSV give the series from 1 to 5 and the fee totals', async () => {
    const q = `from=2000-01-01&to=2100-01-01`;
    const report = (await call('GET', `/api/v1/receipts-report?${q}`, { key: agencyKey })).json();
    // the original was adjusted, then replaced (its final status); total = +1000 -2000 +0 +79000
    expect(report.series).toEqual([expect.objectContaining({ templateSymbol: 'EBL01', fromNumber: 1, toNumber: 5, count: 5, adjusted: 0, replaced: 1, total: 78000 })]);
    expect(report.fees.find((f: { feeCode: string }) => f.feeCode === 'LP-GPXD-NORL')).toBeDefined();
    const csv = await call('GET', `/api/v1/receipts-report?${q}&format=csv`, { key: agencyKey });
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('collectorTaxCode,templateSymbol,symbol,fromNumber,toNumber,count,total,adjusted,replaced');
    expect(csv.text).toContain(`1100123456,EBL01,${first.symbol},1,5,5,`);
    expect((await call('GET', `/api/v1/receipts-report?${q}`, { key: otherKey })).json().series).toEqual([]);
    expect((await call('GET', `/api/v1/receipts-report?from=x&to=y`, { key: agencyKey })).status).toBe(400);
  });

  test('when a payment request is made, then its VietQR names the bank, account, amount and dossier; confirming issues the receipt once', async () => {
    const created = await call('POST', '/api/v1/payment-requests', { key: agencyKey, json: request('http-pay-0001') });
    expect(created.status).toBe(201);
    const payment = created.json();
    expect(hasValidCrc(payment.vietqr)).toBe(true);
    const qr = parseVietQr(payment.vietqr);
    expect(qr).toMatchObject({ bin: '970436', account: '0011001234567', amount: 79000 });
    expect(qr.purpose).toBe('H40 31 250602 0001');
    expect((await call('GET', `/pay/${payment.id}`)).text).toContain('79.000');
    expect((await call('POST', `/api/v1/payment-requests/${payment.id}/confirm`, { key: otherKey })).status).toBe(403);
    const confirmed = await call('POST', `/api/v1/payment-requests/${payment.id}/confirm`, { key: agencyKey });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json()).toMatchObject({ number: 6, total: 79000, paymentMethod: 'qr', status: 'issued' });
    const twice = await call('POST', `/api/v1/payment-requests/${payment.id}/confirm`, { key: agencyKey });
    expect(twice.json().id).toBe(confirmed.json().id);
    expect((await call('POST', '/api/v1/payment-requests/TT-none/confirm', { key: agencyKey })).status).toBe(404);
  });
});
