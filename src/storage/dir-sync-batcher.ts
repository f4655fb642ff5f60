/**
 * Group commit of directory fsyncs. A rename is durable only once its directory is fsynced
 * (POSIX rename(2)/fsync(2); ext4 and XFS need it), and one directory fsync makes every entry
 * changed before it durable. So the puts that ask in the same turn of the event loop share one
 * fsync per directory: the batch starts on setImmediate (no timer, a lone put waits for nothing
 * but its own fsync), and while a batch runs the next one collects — a request that arrives
 * during a running fsync cannot ride on it, since its rename may have come after the fsync began.
 */
import { closeSync, constants, fsync, openSync } from 'node:fs';

/** Error codes of filesystems that refuse fsync on a directory (the rename is still atomic). */
const UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EBADF']);

interface Batch {
  dirs: Map<string, { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }>;
}

/** Shares directory fsyncs between concurrent callers; see the module comment. */
export class DirSyncBatcher {
  private collecting: Batch | undefined;
  private running = false;

  /** Batches flushed so far (for tests and metrics). */
  flushes = 0;

  /** Resolves once every directory in `dirs` was fsynced after this call; rejects on an I/O error. */
  sync(dirs: readonly string[]): Promise<void> {
    if (dirs.length === 0) return Promise.resolve();
    const batch = (this.collecting ??= { dirs: new Map() });
    if (batch.dirs.size === 0 && !this.running) setImmediate(() => this.flush());
    const waits = dirs.map((dir) => {
      let entry = batch.dirs.get(dir);
      if (!entry) {
        let resolve!: () => void;
        let reject!: (e: unknown) => void;
        const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
        promise.catch(() => undefined); // observed through `waits`; avoid an unhandled rejection
        batch.dirs.set(dir, (entry = { promise, resolve, reject }));
      }
      return entry.promise;
    });
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  private async flush(): Promise<void> {
    const batch = this.collecting;
    this.collecting = undefined;
    if (!batch || batch.dirs.size === 0) return;
    this.running = true;
    this.flushes++;
    await Promise.all(
      [...batch.dirs].map(([dir, entry]) => fsyncDir(dir).then(entry.resolve, entry.reject)),
    );
    this.running = false;
    const next = this.collecting as Batch | undefined; // filled by sync() during the await
    if (next && next.dirs.size > 0) setImmediate(() => this.flush());
  }
}

/**
 * fsync one directory; filesystems that refuse it count as done. Only the fsync goes to the
 * thread pool: opening and closing a directory this process has just written into does no I/O
 * (its inode is cached), and each round trip through the pool costs two thread wake-ups.
 */
function fsyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    } catch (e) {
      return reject(e);
    }
    fsync(fd, (e) => {
      try {
        closeSync(fd);
      } catch {
        // the fsync's outcome is what counts; a close error of a read-only directory fd loses nothing
      }
      if (e && !UNSUPPORTED.has(e.code ?? '')) reject(e);
      else resolve();
    });
  });
}
