/**
 * The citizen page is served from a per-process cache (src/documents/citizen-view-cache.ts).
 * These tests hold it to the page's guarantees under concurrent load: a revoke or replace shows on
 * every request sent after the issuer's answer, wrong tokens on a warm entry answer exactly like
 * unknown ids, and changes made behind the process's back show within the configured TTL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/app';
import { adminAuthenticator } from '../../../src/http/auth';
import { registryAuthenticator } from '../../../src/http/registry-authenticator';
import { createDocumentsRouter } from '../../../src/http/routes/documents-router';
import { createCitizenRouter } from '../../../src/web/citizen-router';
import { silentLogger } from '../../../src/log';
import type { Database } from '../../../src/registry/database';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { registerDocument } from '../../../src/documents/register-document';
import { citizenViewCacheOf, configureCitizenViewCache } from '../../../src/documents/citizen-view-cache';
import type { DocumentsDeps } from '../../../src/documents/document';
import { TEST_DATABASE_KINDS, openTestDatabase } from '../../helpers/test-db';

const ADMIN_KEY = 'admin-key-for-cache-tests-0123456789';
const AGENCY = '000.00.14.H20';

describe.each(TEST_DATABASE_KINDS)('citizen page cache on %s', (kind) => {
  let database: Database;
  let server: http.Server;
  let base: string;
  let deps: DocumentsDeps;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    deps = { db: database.db, store: new MemoryDocumentStore(), publicBaseUrl: 'https://tracuu.example.vn' };
    const auth = adminAuthenticator(ADMIN_KEY, registryAuthenticator(database.db));
    const citizen = createCitizenRouter({ documents: deps, rateLimitPerMinute: 1_000_000 });
    const app = createApp({
      logger: silentLogger(),
      mounts: [
        { path: '/', router: createDocumentsRouter({ auth, documents: deps }) },
        { path: '/', router: citizen },
      ],
    });
    // as the service runs: cached pages answered before Express (citizen-fast-path.ts)
    server = http.createServer((req, res) => {
      if (!citizen.fastPath(req, res)) app(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await database?.close();
  });

  async function register(numberAndNotation: string) {
    return registerDocument(deps, {
      issuingAgencyCode: AGENCY,
      signedBytes: Buffer.from(`%PDF-1.7\n% ${numberAndNotation}\n%%EOF\n`),
      metadata: { numberAndNotation, title: 'Thông báo' },
      actor: { kind: 'admin' },
    });
  }

  async function get(path: string) {
    const res = await fetch(base + path);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  async function post(path: string, json: unknown) {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    return { status: res.status, json: (await res.json()) as { status?: string } };
  }

  /** Reads `path` from `workers` loops until stop(); each answer with the time its request was sent. */
  function hammer(path: string, workers = 4) {
    const seen: { sentAt: number; text: string }[] = [];
    let running = true;
    const loops = Array.from({ length: workers }, async () => {
      while (running) {
        const sentAt = performance.now();
        const r = await get(path);
        expect(r.status).toBe(200);
        seen.push({ sentAt, text: r.text });
      }
    });
    return {
      seen,
      stop: async () => {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  test('when the page is read under load and the issuer revokes, then every request sent after the answer shows the revocation', async () => {
    const doc = await register('21/TB-STTTT');
    const path = `/v/${doc.id}?t=${doc.token}`;
    expect((await get(path)).text).toContain('Còn hiệu lực');
    const load = hammer(path);
    await new Promise((r) => setTimeout(r, 150));
    const revoke = await post(`/api/v1/documents/${doc.id}/revoke`, { reason: 'Ban hành sai thẩm quyền' });
    const answeredAt = performance.now();
    expect([revoke.status, revoke.json.status]).toEqual([200, 'revoked']);
    const next = await get(path);
    await new Promise((r) => setTimeout(r, 100));
    await load.stop();

    expect(next.text).toContain('Đã bị thu hồi');
    expect(next.text).not.toContain('Còn hiệu lực');
    const before = load.seen.filter((s) => s.sentAt < answeredAt);
    const after = load.seen.filter((s) => s.sentAt >= answeredAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const s of after) expect(s.text).toContain('Đã bị thu hồi');
    const status = await get(`/v/${doc.id}`);
    expect(status.text).toContain('Đã bị thu hồi');
  });

  test('when a warm entry is replaced, then the next request names the replacement, on the full and the status page', async () => {
    const old = await register('30/TB-STTTT');
    const repl = await register('31/TB-STTTT');
    for (let i = 0; i < 5; i++) {
      expect((await get(`/v/${old.id}?t=${old.token}`)).text).toContain('Còn hiệu lực');
      expect((await get(`/v/${old.id}`)).text).toContain('Còn hiệu lực');
    }
    const replaced = await post(`/api/v1/documents/${old.id}/replace`, { reason: 'Đính chính', replacementId: repl.id });
    expect(replaced.status).toBe(200);
    expect((await get(`/v/${old.id}?t=${old.token}`)).text).toContain('Đã được thay thế bởi văn bản số 31/TB-STTTT');
    expect((await get(`/v/${old.id}`)).text).toContain('Đã được thay thế');
  });

  test('when the entry is warm, then a wrong token answers byte for byte like an unknown id, with no-store', async () => {
    const doc = await register('40/TB-STTTT');
    const right = await get(`/v/${doc.id}?t=${doc.token}`);
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toBe('no-store');
    expect(right.headers.get('etag')).toBeNull();
    const wrongSameLength = doc.token.slice(0, -1) + (doc.token.endsWith('A') ? 'B' : 'A');
    const answers = await Promise.all([`/v/${doc.id}?t=${wrongSameLength}`, `/v/${doc.id}?t=x`, `/v/VB-0000000000000000?t=${doc.token}`].map(get));
    for (const a of answers) {
      expect([a.status, a.text, a.headers.get('content-length'), a.headers.get('cache-control')]).toEqual([404, answers[2].text, answers[2].headers.get('content-length'), 'no-store']);
    }
    expect((await get(`/v/${doc.id}?t=${doc.token}`)).text).toBe(right.text);
  });

  test('when another process changes the row, then the page follows within the TTL', async () => {
    const ttlMs = 400;
    configureCitizenViewCache(database.db, { ttlMs });
    try {
      const doc = await register('50/TB-STTTT');
      const path = `/v/${doc.id}?t=${doc.token}`;
      expect((await get(path)).text).toContain('Còn hiệu lực');
      // as another API process would: straight to the database, this process is not told
      await database.db.updateTable('documents').set({ status: 'revoked', status_reason: 'Thu hồi từ máy chủ khác' }).where('id', '=', doc.id).execute();
      await new Promise((r) => setTimeout(r, ttlMs + 50));
      const page = await get(path);
      expect(page.text).toContain('Đã bị thu hồi');
      expect(page.text).toContain('Thu hồi từ máy chủ khác');
    } finally {
      configureCitizenViewCache(database.db, {});
    }
    expect(citizenViewCacheOf(database.db).ttlMs).toBe(1000);
  });
});
