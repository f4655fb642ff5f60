/**
 * Federation (issue 5 item 7): two kyso axes on two ports that share nothing but HTTP (each has
 * its own PGlite registry and its own queue). A provincial axis relays a document to a receiver
 * hosted by the national axis over signed requests; the receiver's acknowledgement (status 01)
 * and a later status travel back; the hop trail crosses both axes.
 */
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { startDeliveryWorker } from '../../../src/exchange/queue-worker';
import { signRequestBody } from '../../../src/exchange/webhook-signature';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { REDIS_URL, call, pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const SECRET = 'federation-secret-for-tests-0123456789';
const SENDER = '000.00.14.H20'; // hosted by the provincial axis
const RECEIVER = '000.00.00.G22'; // hosted by the national axis

describe('federation between two axes', () => {
  const dbs: Database[] = [];
  let prov: Harness;
  let nat: Harness;
  const workers: { close(): Promise<void> }[] = [];
  let senderKey = '';
  let receiverKey = '';

  beforeAll(async () => {
    dbs.push(await openTestDatabase('pglite'), await openTestDatabase('pglite'));
    prov = await startHarness(dbs[0], { options: { federationSecret: SECRET, axisName: 'axis:H20' } });
    nat = await startHarness(dbs[1], { options: { federationSecret: SECRET, axisName: 'axis:VPCP' } });
    senderKey = (await prov.addAgency(SENDER)).apiKey;
    await prov.addAgency(RECEIVER, undefined, nat.url);
    receiverKey = (await nat.addAgency(RECEIVER)).apiKey;
    await nat.addAgency(SENDER, undefined, prov.url);
    for (const h of [prov, nat]) workers.push(startDeliveryWorker(h.deps, { redisUrl: REDIS_URL, queueName: h.queueName, concurrency: 4 }));
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    for (const h of [prov, nat]) await h?.close();
    for (const d of dbs) await d.close();
  });

  test('when a provincial agency sends to a national one, then it is relayed, delivered, and statuses come back', async () => {
    const r = await postMessage(prov, senderKey, sampleEnvelope({ to: [RECEIVER] }), [{ name: 'cv.pdf', data: pdfBytes('fed') }]);
    expect(r.status).toBe(202);
    const inInbox = () => call(nat, receiverKey, 'GET', '/api/v1/exchange/inbox').then((x) => x.body.messages.some((m: { id: string }) => m.id === r.body.id));
    expect(await waitFor(inInbox, 15_000)).toBe(true);

    const onNat = await call(nat, receiverKey, 'GET', `/api/v1/exchange/inbox/${r.body.id}`);
    expect(onNat.body.documentId).toBe(r.body.documentId);
    expect(onNat.body.trace.map((t: { agency: string; event: string }) => `${t.agency} ${t.event}`)).toEqual([
      `${SENDER} accepted`, 'axis:H20 received-from-peer', `${RECEIVER} delivered`,
    ]);
    const onProv = await call(prov, senderKey, 'GET', `/api/v1/exchange/messages/${r.body.id}`);
    expect(onProv.body.receivers[0]).toMatchObject({ code: RECEIVER, status: 'delivered' });
    expect(onProv.body.timeline.map((e: { event: string }) => e.event)).toContain('relayed');

    await call(nat, receiverKey, 'POST', `/api/v1/exchange/inbox/${r.body.id}/ack`);
    await call(nat, receiverKey, 'POST', `/api/v1/exchange/messages/${r.body.id}/status`, { code: '03', description: 'Đã vào sổ' });
    const back = async () => {
      const t = await call(prov, senderKey, 'GET', `/api/v1/exchange/messages/${r.body.id}`);
      return (t.body.receivers[0].business as { code: string }[]).map((b) => b.code).sort().join() === '01,03';
    };
    expect(await waitFor(back, 15_000)).toBe(true);
  });

  test('when a request to the federation endpoint is unsigned or signed with another secret, then it is refused', async () => {
    const body = JSON.stringify({ hello: 'world' });
    for (const sig of [undefined, signRequestBody('another-secret-0123456789', body)]) {
      const res = await fetch(`${nat.url}/api/v1/exchange/federation/messages`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', ...(sig ? { 'x-kyso-signature': sig } : {}) },
      });
      expect(res.status).toBe(401);
    }
  });
});
