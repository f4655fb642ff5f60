/**
 * The citizen page's fast path (src/web/citizen-fast-path.ts) answers cached pages before
 * Express. It must be invisible: the same bytes and headers as the Express route, the same rate
 * limit, the same client address as Express's req.ip, and revocations at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from '../../../src/http/app';
import { adminAuthenticator } from '../../../src/http/auth';
import { registryAuthenticator } from '../../../src/http/registry-authenticator';
import { createDocumentsRouter } from '../../../src/http/routes/documents-router';
import { createCitizenRouter } from '../../../src/web/citizen-router';
import { clientAddress } from '../../../src/web/citizen-fast-path';
import { silentLogger } from '../../../src/log';
import type { Database } from '../../../src/registry/database';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { registerDocument } from '../../../src/documents/register-document';
import type { DocumentsDeps } from '../../../src/documents/document';
import { openTestDatabase } from '../../helpers/test-db';

const ADMIN_KEY = 'admin-key-for-fast-path-0123456789';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'date' && k !== 'keep-alive' && k !== 'connection') out[k] = v;
  });
  return out;
}

describe('citizen page fast path (PGlite)', () => {
  let database: Database;
  let deps: DocumentsDeps;
  const servers: http.Server[] = [];
  let fastHits = 0;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    deps = { db: database.db, store: new MemoryDocumentStore(), publicBaseUrl: 'https://tracuu.example.vn' };
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await database?.close();
  });

  async function service(opts: { fast: boolean; perMinute?: number }): Promise<string> {
    const citizen = createCitizenRouter({ documents: deps, rateLimitPerMinute: opts.perMinute ?? 1_000_000 });
    const auth = adminAuthenticator(ADMIN_KEY, registryAuthenticator(database.db));
    const app = createApp({
      logger: silentLogger(),
      mounts: [
        { path: '/', router: createDocumentsRouter({ auth, documents: deps }) },
        { path: '/', router: citizen },
      ],
    });
    const { server, base } = await listen((req, res) => {
      if (opts.fast && citizen.fastPath(req, res)) {
        fastHits++;
        return;
      }
      app(req, res);
    });
    servers.push(server);
    return base;
  }

  async function register(numberAndNotation: string) {
    return registerDocument(deps, {
      issuingAgencyCode: '000.00.14.H20',
      signedBytes: Buffer.from(numberAndNotation),
      metadata: { numberAndNotation, title: 'Thông báo' },
      actor: { kind: 'admin' },
    });
  }

  test('when the page is cached, then the fast path answers exactly as the Express route does', async () => {
    const fast = await service({ fast: true });
    const plain = await service({ fast: false });
    const doc = await register('60/TB-STTTT');
    const paths = [`/v/${doc.id}?t=${doc.token}`, `/v/${doc.id}`, `/v/${doc.id}?t=wrong`, `/v/${doc.id}?t=${doc.token}&t=${doc.token}`];
    const unknown = await fetch(`${plain}/v/VB-0000000000000000?t=${doc.token}`);
    const unknownBody = await unknown.text();
    await fetch(`${fast}/v/${doc.id}?t=${doc.token}`); // cold: through Express, fills the cache
    for (const p of paths) {
      const before = fastHits;
      const a = await fetch(fast + p);
      expect(fastHits).toBe(before + 1);
      const b = await fetch(plain + p);
      const [ta, tb] = [await a.text(), await b.text()];
      expect([a.status, ta, headersOf(a)]).toEqual([b.status, tb, headersOf(b)]);
      // a wrong token on a cached id = an unknown id (only the budget left differs, by count)
      const noBudget = (h: Record<string, string>) => ({ ...h, 'ratelimit-remaining': '' });
      if (a.status === 404) expect([ta, noBudget(headersOf(a))]).toEqual([unknownBody, noBudget(headersOf(unknown))]);
    }
    const statuses = await Promise.all(paths.map(async (p) => (await fetch(fast + p)).status));
    expect(statuses).toEqual([200, 200, 404, 200]);
  });

  test('when the issuer revokes, then the next request through the fast path shows it', async () => {
    const base = await service({ fast: true });
    const doc = await register('61/TB-STTTT');
    const path = `/v/${doc.id}?t=${doc.token}`;
    await fetch(base + path);
    const before = fastHits;
    expect(await (await fetch(base + path)).text()).toContain('Còn hiệu lực');
    expect(fastHits).toBe(before + 1);
    const revoke = await fetch(`${base}/api/v1/documents/${doc.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Sai sót' }),
    });
    expect(revoke.status).toBe(200);
    const after = await (await fetch(base + path)).text();
    expect(after).toContain('Đã bị thu hồi');
    expect(after).not.toContain('Còn hiệu lực');
  });

  test('when a client exceeds its budget, then cached pages are limited too (429 in the usual format)', async () => {
    const base = await service({ fast: true, perMinute: 3 });
    const doc = await register('62/TB-STTTT');
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${base}/v/${doc.id}?t=${doc.token}`);
      answers.push({ status: r.status, remaining: r.headers.get('ratelimit-remaining'), body: await r.text() });
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers.map((a) => a.remaining).slice(0, 3)).toEqual(['2', '1', '0']);
    expect(JSON.parse(answers[3].body).error.code).toBe('RATE_LIMITED');
  });

  test('when requests come through loopback proxies, then the client address is the one Express computes', async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.get('/ip', (req, res) => {
      res.json({ express: req.ip, ours: clientAddress(req) });
    });
    const { server, base } = await listen(app);
    servers.push(server);
    const forwarded = [undefined, '203.0.113.5', '203.0.113.5, 127.0.0.1', '198.51.100.1, 203.0.113.5', ' 10.0.0.1 ,127.0.0.2', '127.0.0.1, ::1', 'garbage'];
    for (const xff of forwarded) {
      const r = (await (await fetch(`${base}/ip`, { headers: xff ? { 'x-forwarded-for': xff } : {} })).json()) as { express: string; ours: string };
      expect({ xff, ip: r.ours }).toEqual({ xff, ip: r.express });
    }
  });
});
