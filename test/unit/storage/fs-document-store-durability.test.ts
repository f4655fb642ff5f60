import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirSyncBatcher } from '../../../src/storage/dir-sync-batcher';
import { FsDocumentStore } from '../../../src/storage/fs-document-store';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kyso-store-'));
  dirs.push(d);
  return d;
}

describe('DirSyncBatcher', () => {
  test('when many callers ask for the same directory in one turn, then one batch fsyncs it for all', async () => {
    const d = await tempDir();
    const batcher = new DirSyncBatcher();
    await Promise.all(Array.from({ length: 10 }, () => batcher.sync([d])));
    expect(batcher.flushes).toBe(1);
  });

  test('when a caller asks while a batch runs, then it waits for a later batch', async () => {
    const d = await tempDir();
    const batcher = new DirSyncBatcher();
    const first = batcher.sync([d]);
    await new Promise((r) => setImmediate(r)); // the first batch has started
    const second = batcher.sync([d]);
    await Promise.all([first, second]);
    expect(batcher.flushes).toBe(2);
  });

  test('when a directory cannot be opened, then its callers are rejected and others are not', async () => {
    const d = await tempDir();
    const batcher = new DirSyncBatcher();
    const bad = batcher.sync([path.join(d, 'missing')]);
    const good = batcher.sync([d]);
    await expect(bad).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(good).resolves.toBeUndefined();
  });
});

describe('FsDocumentStore durability', () => {
  test('when many different files are put at once, then all are stored with no temporary file left', async () => {
    const root = await tempDir();
    const store = new FsDocumentStore(root);
    const files = [Buffer.alloc(0), ...Array.from({ length: 40 }, (_, i) => Buffer.from(`file ${i}`))];
    const keys = await Promise.all(files.map((f) => store.put(f)));
    for (const [i, key] of keys.entries()) expect((await store.get(key))?.equals(files[i])).toBe(true);
    for (const key of keys) expect(await readdir(path.dirname(store.pathOf(key)))).not.toContainEqual(expect.stringMatching(/^\.tmp-/));
  });

  test('when a stored file is put again, then it is written over with the same bytes and no temporary file is left', async () => {
    const root = await tempDir();
    const store = new FsDocumentStore(root);
    const bytes = Buffer.from('stored twice, one after the other');
    const key = await store.put(bytes);
    expect(await new FsDocumentStore(root).put(bytes)).toBe(key); // a fresh store knows no directory yet
    expect(await readdir(path.dirname(store.pathOf(key)))).toEqual([key]);
    expect((await store.get(key))?.equals(bytes)).toBe(true);
  });

  test('when a stored directory is removed behind the store, then the next put creates it again', async () => {
    const root = await tempDir();
    const store = new FsDocumentStore(root);
    const key = await store.put(Buffer.from('first'));
    await rm(path.join(root, key.slice(0, 2)), { recursive: true, force: true });
    expect(await store.has(key)).toBe(false);
    expect(await store.put(Buffer.from('first'))).toBe(key);
    expect((await store.get(key))?.toString()).toBe('first');
  });

  test('when the root cannot be created, then put fails with SERVICE_UNAVAILABLE', async () => {
    const root = await tempDir();
    const store = new FsDocumentStore(path.join(root, 'x'));
    await writeFile(path.join(root, 'x'), 'a file where the root should be');
    await expect(store.put(Buffer.from('z'))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
