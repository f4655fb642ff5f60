/**
 * The exchange end to end on the real app, real Redis (unique queue) and PGlite: send, pull
 * delivery, inbox, ack (status 01), business statuses (dedup except 05), revoke relayed to every
 * receiver, ingress refusals, timeline and reports.
 */
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { startDeliveryWorker } from '../../../src/exchange/queue-worker';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { envelopeSchema } from '../../../src/exchange/envelope';
import { exportDocumentPackage, exportStatusPackage } from '../../../src/exchange/edxml-export';
import { signEdxml } from '../../../src/exchange/edxml-signature';
import { makeLocalKeyHandle } from '../../unit/exchange/fixtures/local-key-handle';
import { ADMIN_KEY, call, pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const SENDER = '000.00.14.H20';
const R1 = '000.00.00.H20';
const R2 = '000.00.14.H56';

describe('exchange flow (PGlite, real Redis)', () => {
  let database: Database;
  let h: Harness;
  let worker: { close(): Promise<void> };
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    h = await startHarness(database);
    for (const c of [SENDER, R1, R2]) keys[c] = (await h.addAgency(c)).apiKey;
    worker = startDeliveryWorker(h.deps, { redisUrl: 'redis://127.0.0.1:6379', queueName: h.queueName, concurrency: 4 });
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await database?.close();
  });

  const delivered = async (id: string, code: string) =>
    (await call(h, keys[code], 'GET', '/api/v1/exchange/inbox')).body.messages.some((m: { id: string }) => m.id === id);

  test('when an agency sends to two pull receivers, then 202 comes back and both inboxes get the message once', async () => {
    const r = await postMessage(h, keys[SENDER], sampleEnvelope(), [{ name: 'cv.pdf', data: pdfBytes('one') }]);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ documentId: '000.00.14.H20,2026/06/02,808/STTTT-VP', receivers: [{ code: R1, status: 'queued' }, { code: R2, status: 'queued' }] });
    expect(await waitFor(async () => (await delivered(r.body.id, R1)) && (await delivered(r.body.id, R2)), 10_000)).toBe(true);

    const got = await call(h, keys[R1], 'GET', `/api/v1/exchange/inbox/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(Buffer.from(got.body.attachments[0].contentBase64, 'base64').toString()).toContain('% one');
    const xml = await call(h, keys[R1], 'GET', `/api/v1/exchange/inbox/${r.body.id}?format=edxml`);
    expect(xml.body).toContain('<edXML:DocumentId>000.00.14.H20,2026/06/02,808/STTTT-VP</edXML:DocumentId>');

    expect((await call(h, keys[R1], 'POST', `/api/v1/exchange/inbox/${r.body.id}/ack`)).body.status).toBe('acknowledged');
    expect(await delivered(r.body.id, R1)).toBe(false);

    const timeline = await call(h, keys[SENDER], 'GET', `/api/v1/exchange/messages/${r.body.id}`);
    const r1 = timeline.body.receivers.find((x: { code: string }) => x.code === R1);
    expect(r1).toMatchObject({ status: 'acknowledged', attempts: 1, business: [{ code: '01' }] });
    expect(timeline.body.timeline.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['accepted', 'delivered', 'acknowledged', 'status 01']));
    expect((await call(h, keys[R2], 'GET', `/api/v1/exchange/messages/${r.body.id}`)).body.receivers).toHaveLength(1);
  });

  test('when the same new documentId is sent twice, then the second is refused with 409', async () => {
    const env = sampleEnvelope({ code: { number: '900', notation: 'DUP' } });
    const first = await postMessage(h, keys[SENDER], env, [{ name: 'a.pdf', data: pdfBytes('a') }]);
    expect(first.status).toBe(202);
    const again = await postMessage(h, keys[SENDER], env, [{ name: 'a.pdf', data: pdfBytes('a') }]);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'EXCHANGE_DUPLICATE_DOCUMENT', details: { messageId: first.body.id } });
  });

  test('when a status repeats, then it is ignored, except 05 which is kept every time', async () => {
    const r = await postMessage(h, keys[SENDER], sampleEnvelope({ code: { number: '901', notation: 'ST' } }), [{ name: 'a.pdf', data: pdfBytes('s') }]);
    await waitFor(() => delivered(r.body.id, R1), 10_000);
    const post = (code: string) => call(h, keys[R1], 'POST', `/api/v1/exchange/messages/${r.body.id}/status`, { code, description: `mã ${code}` });
    expect((await post('03')).status).toBe(201);
    expect((await post('03')).body.duplicate).toBe(true);
    expect((await post('05')).status).toBe(201);
    expect((await post('05')).status).toBe(201);
    const statuses = await call(h, keys[SENDER], 'GET', `/api/v1/exchange/statuses?from=${new Date(Date.now() - 60_000).toISOString()}`);
    const mine = statuses.body.statuses.filter((s: { messageId: string }) => s.messageId === r.body.id).map((s: { code: string }) => s.code);
    expect(mine.sort()).toEqual(['03', '05', '05']);
    expect((await call(h, keys[R2], 'POST', `/api/v1/exchange/messages/${r.body.id}/status`, { code: '99' })).status).toBe(400);
  });

  test('when a document is revoked, then the revoke reaches every receiver of the original', async () => {
    const original = sampleEnvelope({ code: { number: '902', notation: 'RV' } });
    const r = await postMessage(h, keys[SENDER], original, [{ name: 'a.pdf', data: pdfBytes('rv') }]);
    const docId = r.body.documentId;
    const revoke = await postMessage(h, keys[SENDER], sampleEnvelope({ code: { number: '902', notation: 'RV' }, to: [R1], business: { docType: 1, documentId: docId, reason: 'Thu hồi do sai sót' } }), []);
    expect(revoke.status).toBe(202);
    expect(revoke.body.receivers.map((x: { code: string }) => x.code).sort()).toEqual([R1, R2].sort());
    expect(await waitFor(async () => (await delivered(revoke.body.id, R2)), 10_000)).toBe(true);
    const inbox = await call(h, keys[R2], 'GET', '/api/v1/exchange/inbox');
    expect(inbox.body.messages.find((m: { id: string }) => m.id === revoke.body.id)).toMatchObject({ businessDocType: 1, documentId: docId });
  });

  test('when ingress rules are broken, then the message is refused with the rule named', async () => {
    const invalid = await postMessage(h, keys[SENDER], sampleEnvelope({ code: { number: '903', notation: 'X' } }), [{ name: 'bad.pdf', data: pdfBytes('bad', 'MODIFIED') }]);
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatchObject({ code: 'EXCHANGE_ATTACHMENT_REJECTED', details: { verdict: 'MODIFIED', report: { verdict: 'MODIFIED' } } });
    const unknown = await postMessage(h, keys[SENDER], sampleEnvelope({ to: ['000.00.00.G22'], code: { number: '905', notation: 'U' } }), [{ name: 'a.pdf', data: pdfBytes('u') }]);
    expect(unknown.body.error).toMatchObject({ code: 'EXCHANGE_RECEIVER_UNKNOWN', details: { unknown: ['000.00.00.G22'] } });
    const notMe = await postMessage(h, keys[R1], sampleEnvelope(), [{ name: 'a.pdf', data: pdfBytes('n') }]);
    expect(notMe.status).toBe(403);
    const indeterminate = await postMessage(h, keys[SENDER], sampleEnvelope({ code: { number: '904', notation: 'I' } }), [{ name: 'i.pdf', data: pdfBytes('i', 'INDETERMINATE') }]);
    expect(indeterminate.status).toBe(202);
  });

  test('when the operator asks for reports, then volumes per agency come back', async () => {
    const rep = await call(h, ADMIN_KEY, 'GET', '/api/v1/exchange/reports');
    expect(rep.status).toBe(200);
    const sender = rep.body.agencies.find((a: { agency: string }) => a.agency === SENDER);
    expect(sender.sent).toBeGreaterThanOrEqual(5);
    const r1 = rep.body.agencies.find((a: { agency: string }) => a.agency === R1);
    expect(r1.received).toBeGreaterThanOrEqual(4);
  });

  const postXml = async (key: string, path: string, body: string) => {
    const res = await fetch(`${h.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' } });
    return { status: res.status, body: await res.json() as any };
  };

  test('when an agency sends a signed edXML package, then it is accepted like JSON; a tampered or foreign-signed one is refused', async () => {
    const envelope = envelopeSchema.parse(sampleEnvelope({ to: [R1], code: { number: '950', notation: 'EDXML' } }));
    const unsigned = exportDocumentPackage({ envelope, trace: [{ organId: SENDER, at: new Date() }], attachments: [{ name: 'x.pdf', contentType: 'application/pdf', contentId: 'c1', data: pdfBytes('edxml') }] });
    const signed = await signEdxml(unsigned, makeLocalKeyHandle('ec', 'So TTTT', SENDER));
    expect((await postXml(keys[SENDER], '/api/v1/exchange/packages', signed.replace('EDXML</edXML:CodeNotation>', 'EDXMX</edXML:CodeNotation>'))).body.error.code).toBe('EXCHANGE_SIGNATURE_INVALID');
    const foreign = await signEdxml(unsigned, makeLocalKeyHandle('ec', 'Other', R2));
    expect((await postXml(keys[SENDER], '/api/v1/exchange/packages', foreign)).body.error.code).toBe('EXCHANGE_SIGNATURE_INVALID');
    const ok = await postXml(keys[SENDER], '/api/v1/exchange/packages', signed);
    expect(ok.status).toBe(202);
    expect(ok.body.documentId).toBe(envelope.documentId);
    expect(await waitFor(() => delivered(ok.body.id, R1), 10_000)).toBe(true);

    const status = exportStatusPackage({ status: {
      from: { organId: R1 }, to: SENDER, statusCode: '04', description: 'Đã phân công', timestamp: new Date().toISOString(),
      responseFor: { organId: SENDER, code: '950/EDXML', promulgationDate: envelope.promulgation.date, documentId: envelope.documentId },
    }, trace: [] });
    expect((await postXml(keys[R1], '/api/v1/exchange/status-packages', status)).status).toBe(201);
    expect((await postXml(keys[R1], '/api/v1/exchange/status-packages', status)).body.duplicate).toBe(true);
    expect((await postXml(keys[R2], '/api/v1/exchange/status-packages', status)).status).toBe(403);
  });
});
