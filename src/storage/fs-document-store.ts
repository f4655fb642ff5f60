/**
 * Filesystem adapter of the DocumentStore port: `${root}/ab/cd/<sha256>` (two levels of fan-out
 * so no directory grows past 65,536 entries). A file is written to a temporary name in the same
 * directory with O_DSYNC (the write returns once data and size are on disk, as write + fdatasync
 * would), then renamed into place: readers never see a half-written file, and a crash leaves at
 * worst a stray `.tmp-*` file, never a wrong one. A put resolves only once the directory holding
 * the new name (and any directory it had to create) is fsynced too; concurrent puts share those
 * directory fsyncs (group commit, {@link DirSyncBatcher}), so many files in flight cost one
 * directory fsync per directory and batch instead of one per file.
 *
 * Cost: every asynchronous fs call is a round trip through libuv's thread pool (two thread
 * wake-ups, a promise), which on a 2-core machine cost more CPU than the syscalls themselves. A
 * put of a new file makes four: open, write (O_DSYNC), rename, and its share of the directory
 * fsync. It no longer stats first: a file already stored is simply written again under the same
 * name (same key, same bytes, so the rename changes nothing a reader could see), which costs a
 * duplicate put a write but saves every new file a round trip.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fdatasync, open, write } from 'node:fs';
import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { contentKey, isContentKey, type DocumentStore } from './document-store';
import { DirSyncBatcher } from './dir-sync-batcher';

/** Content-addressed files under a root directory (normally `${DATA_DIR}/files`). */
export class FsDocumentStore implements DocumentStore {
  /** Directories created or known to exist (so a put does not mkdir each time). */
  private readonly dirs = new Map<string, Promise<string[]>>();
  /** Puts in flight by key: the same bytes stored concurrently are written once. */
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly dirSync = new DirSyncBatcher();

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
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const done = this.write(key, bytes).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, done);
    return done;
  }

  private async write(key: string, bytes: Uint8Array): Promise<string> {
    const finalPath = this.pathOf(key);
    const dir = path.dirname(finalPath);
    let parents: string[] = [];
    let parentsSynced: Promise<void> | undefined;
    let tmp = '';
    try {
      for (let attempt = 0; ; attempt++) {
        parents = await this.ensureDir(dir);
        // the parents' new entries exist already: their fsync runs while the file is written
        if (parents.length) {
          const synced = this.dirSync.sync(parents);
          synced.catch(() => undefined); // awaited in syncDirs below
          parentsSynced = parentsSynced ? Promise.all([parentsSynced, synced]).then(() => undefined) : synced;
        }
        tmp = path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
        try {
          await writeDurably(tmp, bytes);
          break;
        } catch (e) {
          // the directory was removed behind our back: forget it and create it again, once
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw e;
          this.dirs.delete(dir);
        }
      }
      await rename(tmp, finalPath); // atomic; a concurrent writer of the same key wrote the same bytes
    } catch (e) {
      if (tmp) await unlink(tmp).catch(() => undefined);
      throw new AppError('SERVICE_UNAVAILABLE', `The file store could not write ${key}: ${(e as Error).message}`, undefined, { cause: e });
    }
    await this.syncDirs([dir], key, parentsSynced);
    if (parents.length) this.dirs.set(dir, Promise.resolve([])); // their new entries are durable now
    return key;
  }

  /**
   * mkdir -p once per directory. Resolves to the parents that gained an entry when it was created:
   * every put into it fsyncs them too until one such put is done, so no put answers before the
   * path to its file is durable.
   */
  private ensureDir(dir: string): Promise<string[]> {
    let ready = this.dirs.get(dir);
    if (!ready) {
      ready = mkdir(dir, { recursive: true }).then((first) => {
        const parents: string[] = [];
        if (first !== undefined) for (let d = dir; d.length >= first.length; d = path.dirname(d)) parents.push(path.dirname(d));
        return parents;
      });
      ready.catch(() => this.dirs.delete(dir));
      if (this.dirs.size > 70_000) this.dirs.clear();
      this.dirs.set(dir, ready);
    }
    return ready;
  }

  private async syncDirs(dirs: string[], key: string, alsoWait?: Promise<void>): Promise<void> {
    try {
      await Promise.all([this.dirSync.sync(dirs), alsoWait]);
    } catch (e) {
      throw new AppError('SERVICE_UNAVAILABLE', `The file store could not make ${key} durable: ${(e as Error).message}`, undefined, { cause: e });
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

/** Writes `bytes` to a new file `file`, durably (O_DSYNC: data and size on disk when write returns). */
function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_DSYNC, 0o644, (err, fd) => {
      if (err) return reject(err);
      const done = (e: Error | null) => {
        try {
          closeSync(fd); // no I/O: the data is already durable
        } catch (closeError) {
          e ??= closeError as Error;
        }
        if (e) reject(e);
        else resolve();
      };
      const next = (offset: number) =>
        write(fd, bytes, offset, bytes.length - offset, null, (e, written) => {
          if (e) return done(e);
          if (offset + written < bytes.length) return next(offset + written);
          done(null);
        });
      // O_DSYNC syncs on write, and an empty file has none: its new inode is synced explicitly
      if (bytes.length === 0) fdatasync(fd, done);
      else next(0);
    });
  });
}
