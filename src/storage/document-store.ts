/**
 * DocumentStore: the port for signed files. Content-addressed: the key of a file is the
 * lowercase hex SHA-256 of its bytes, so storing the same file twice is one file, a key proves
 * what it names, and the registry's `sha256` column doubles as the storage key. Adapters: the
 * filesystem ({@link FsDocumentStore}) and memory ({@link MemoryDocumentStore}); both pass the
 * shared contract test (test/unit/registry/document-store.contract.test.ts).
 */
import { createHash } from 'node:crypto';

/** Where signed files live. */
export interface DocumentStore {
  /** Stores the bytes (idempotent) and returns their key, the SHA-256 hex. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes under `key`, or null when absent or when `key` is not a SHA-256 hex string. */
  get(key: string): Promise<Buffer | null>;
  /** Whether `key` is stored. */
  has(key: string): Promise<boolean>;
}

/** The content address of some bytes. */
export function contentKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when `key` has the shape of a content address (guards paths against traversal). */
export function isContentKey(key: string): boolean {
  return typeof key === 'string' && /^[0-9a-f]{64}$/.test(key);
}

/** The in-memory twin, for tests and for the CLI's dry runs. */
export class MemoryDocumentStore implements DocumentStore {
  private readonly files = new Map<string, Buffer>();

  async put(bytes: Uint8Array): Promise<string> {
    const key = contentKey(bytes);
    if (!this.files.has(key)) this.files.set(key, Buffer.from(bytes));
    return key;
  }

  async get(key: string): Promise<Buffer | null> {
    const b = isContentKey(key) ? this.files.get(key) : undefined;
    return b ? Buffer.from(b) : null;
  }

  async has(key: string): Promise<boolean> {
    return isContentKey(key) && this.files.has(key);
  }
}
