/**
 * Filesystem adapter of the DocumentStore port: `${root}/ab/cd/<sha256>` (two levels of fan-out
 * so no directory grows past 65,536 entries). A file is written to a temporary name in the same
 * directory, fsynced, then renamed into place and the directory fsynced: readers never see a
 * half-written file, and a crash leaves at worst a stray `.tmp-*` file, never a wrong one.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { contentKey, isContentKey, type DocumentStore } from './document-store';

/** Content-addressed files under a root directory (normally `${DATA_DIR}/files`). */
export class FsDocumentStore implements DocumentStore {
  constructor(private readonly root: string) {}

  /** The default store of a deployment: `${dataDir}/files`. */
  static inDataDir(dataDir: string): FsDocumentStore {
    return new FsDocumentStore(path.join(dataDir, 'files'));
  }

  /** The path of a key (exposed for operators and tests). */
  pathOf(key: string): string {
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = contentKey(bytes);
    const finalPath = this.pathOf(key);
    if (await this.has(key)) return key;
    const dir = path.dirname(finalPath);
    const tmp = path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(dir, { recursive: true });
      const fh = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, finalPath);
      await syncDir(dir);
      return key;
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new AppError('SERVICE_UNAVAILABLE', `The file store could not write ${key}: ${(e as Error).message}`, undefined, { cause: e });
    }
  }

  async get(key: string): Promise<Buffer | null> {
    if (!isContentKey(key)) return null;
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new AppError('SERVICE_UNAVAILABLE', `The file store could not read ${key}: ${(e as Error).message}`, undefined, { cause: e });
    }
  }

  async has(key: string): Promise<boolean> {
    if (!isContentKey(key)) return false;
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }
}

/** fsync a directory so that a rename in it survives a crash (best effort on platforms without it). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}
