import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MemoryDocumentStore, type DocumentStore } from '../../../src/storage/document-store';
import { FsDocumentStore } from '../../../src/storage/fs-document-store';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const adapters: [string, () => Promise<DocumentStore>][] = [
  ['memory', async () => new MemoryDocumentStore()],
  [
    'filesystem',
    async () => {
      const d = await mkdtemp(path.join(tmpdir(), 'kyso-store-'));
      dirs.push(d);
      return new FsDocumentStore(d);
    },
  ],
];

describe.each(adapters)('DocumentStore contract: %s', (_name, make) => {
  test('when bytes are put, then the key is their SHA-256 and get returns the same bytes', async () => {
    const store = await make();
    const bytes = Buffer.from('%PDF-1.7\n signed \xff\x00', 'latin1');
    const key = await store.put(bytes);
    expect(key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await store.has(key)).toBe(true);
    expect((await store.get(key))?.equals(bytes)).toBe(true);
  });

  test('when the same bytes are put twice, then the key is the same and the content unchanged', async () => {
    const store = await make();
    const bytes = Buffer.from('same');
    expect(await store.put(bytes)).toBe(await store.put(Uint8Array.from(bytes)));
    expect((await store.get(await store.put(bytes)))?.toString()).toBe('same');
  });

  test('when a key is unknown or malformed, then get is null and has is false', async () => {
    const store = await make();
    const unknown = 'a'.repeat(64);
    expect(await store.get(unknown)).toBeNull();
    expect(await store.has(unknown)).toBe(false);
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'ab', '']) {
      expect(await store.get(bad)).toBeNull();
      expect(await store.has(bad)).toBe(false);
    }
  });

  test('when the caller mutates the returned buffer, then the stored file is unchanged', async () => {
    const store = await make();
    const key = await store.put(Buffer.from('immutable'));
    const got = (await store.get(key))!;
    got[0] = 0x58;
    expect((await store.get(key))?.toString()).toBe('immutable');
  });
});

describe('FsDocumentStore layout', () => {
  test('when a file is stored, then it sits under ab/cd/<sha256> with no temporary file left', async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'kyso-store-'));
    dirs.push(d);
    const store = new FsDocumentStore(d);
    const key = await store.put(Buffer.from('layout'));
    const dir = path.join(d, key.slice(0, 2), key.slice(2, 4));
    expect(await readdir(dir)).toEqual([key]);
    expect(store.pathOf(key)).toBe(path.join(dir, key));
  });

  test('when many writers put the same file at once, then exactly one file results', async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'kyso-store-'));
    dirs.push(d);
    const store = new FsDocumentStore(d);
    const bytes = Buffer.alloc(256 * 1024, 7);
    const keys = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
    expect(new Set(keys).size).toBe(1);
    const dir = path.join(d, keys[0].slice(0, 2), keys[0].slice(2, 4));
    expect(await readdir(dir)).toEqual([keys[0]]);
    expect((await store.get(keys[0]))?.equals(bytes)).toBe(true);
  });
});
