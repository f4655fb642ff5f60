import { CitizenViewCache, citizenViewCacheOf, configureCitizenViewCache, type CitizenRecord } from '../../../src/documents/citizen-view-cache';

type Rec = CitizenRecord<string, string>;
const rec = (label: string): Rec => ({ tokenHash: Buffer.alloc(32), status: label, full: label });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CitizenViewCache', () => {
  test('when an entry is fresh, then it is served without loading; after the TTL it is loaded again', async () => {
    let t = 1000;
    const cache = new CitizenViewCache({ ttlMs: 500, now: () => t });
    const load = jest.fn(async (id: string) => rec(`${id}@${t}`));
    expect(await cache.read('A', load)).toEqual(rec('A@1000'));
    t = 1370; // before the refresh-ahead point (1375)
    expect(await cache.read('A', load)).toEqual(rec('A@1000'));
    expect(load).toHaveBeenCalledTimes(1);
    t = 1500;
    expect(await cache.read('A', load)).toEqual(rec('A@1500'));
    expect(load).toHaveBeenCalledTimes(2);
  });

  test('when an entry is read in the last quarter of its TTL, then it is reloaded in the background and never served past its TTL', async () => {
    let t = 1000;
    const cache = new CitizenViewCache({ ttlMs: 1000, now: () => t });
    const load = jest.fn(async () => rec(`read@${t}`));
    await cache.read('A', load);
    t = 1700;
    expect(cache.peek('A')?.status).toBe('read@1000');
    expect(load).toHaveBeenCalledTimes(1);
    t = 1800;
    expect(cache.peek('A')?.status).toBe('read@1000'); // still fresh, reload started
    expect(load).toHaveBeenCalledTimes(2);
    await new Promise((r) => setImmediate(r));
    t = 2500;
    expect(cache.peek('A')?.status).toBe('read@1800');
    t = 2800;
    expect(cache.peek('A')).toBeUndefined();
  });

  test('when an id is invalidated, then the next read loads it again', async () => {
    const cache = new CitizenViewCache();
    let version = 1;
    const load = async () => rec(`v${version}`);
    expect((await cache.read('A', load))?.status).toBe('v1');
    version = 2;
    expect((await cache.read('A', load))?.status).toBe('v1');
    cache.invalidate('A');
    expect((await cache.read('A', load))?.status).toBe('v2');
  });

  test('when a read under way finishes after an invalidation, then what it read is not stored', async () => {
    const cache = new CitizenViewCache();
    const slow = deferred<Rec>();
    const first = cache.read('A', () => slow.promise);
    cache.invalidate('A'); // e.g. a revoke committed while the old row was being read
    slow.resolve(rec('before-revoke'));
    expect((await first)?.status).toBe('before-revoke');
    const load = jest.fn(async () => rec('after-revoke'));
    expect((await cache.read('A', load))?.status).toBe('after-revoke');
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('when many readers miss at once, then one load serves them all', async () => {
    const cache = new CitizenViewCache();
    const gate = deferred<Rec>();
    const load = jest.fn(() => gate.promise);
    const reads = Array.from({ length: 10 }, () => cache.read('A', load));
    gate.resolve(rec('x'));
    expect((await Promise.all(reads)).map((r) => r?.status)).toEqual(Array(10).fill('x'));
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('when the load finds nothing or fails, then nothing is cached', async () => {
    const cache = new CitizenViewCache();
    expect(await cache.read('A', async () => null)).toBeNull();
    await expect(Promise.resolve(cache.read('B', async () => Promise.reject(new Error('db down'))))).rejects.toThrow('db down');
    expect(cache.size).toBe(0);
    expect((await cache.read('B', async () => rec('ok')))?.status).toBe('ok');
  });

  test('when more than maxEntries are read, then the least recently used are dropped', async () => {
    const cache = new CitizenViewCache({ maxEntries: 2 });
    const load = jest.fn(async (id: string) => rec(id));
    await cache.read('A', load);
    await cache.read('B', load);
    await cache.read('A', load); // A is now the most recent
    await cache.read('C', load); // drops B
    expect(cache.size).toBe(2);
    load.mockClear();
    await cache.read('A', load);
    await cache.read('C', load);
    expect(load).not.toHaveBeenCalled();
    await cache.read('B', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('when the TTL is 0, then every read loads', async () => {
    const cache = new CitizenViewCache({ ttlMs: 0 });
    const load = jest.fn(async () => rec('x'));
    await cache.read('A', load);
    await cache.read('A', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  test('when two database handles are used, then each has its own cache, replaceable by configuration', () => {
    const a = {} as never;
    const b = {} as never;
    expect(citizenViewCacheOf(a)).toBe(citizenViewCacheOf(a));
    expect(citizenViewCacheOf(a)).not.toBe(citizenViewCacheOf(b));
    expect(citizenViewCacheOf(a).ttlMs).toBe(1000);
    const configured = configureCitizenViewCache(a, { ttlMs: 250 });
    expect(citizenViewCacheOf(a)).toBe(configured);
    expect(configured.ttlMs).toBe(250);
  });
});
