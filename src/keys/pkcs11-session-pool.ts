/**
 * A bounded pool of PKCS#11 sessions on one token. A session runs one signing operation at a
 * time (C_SignInit then C_Sign, PKCS#11 v2.40 §5.12: a second C_SignInit on a busy session is
 * CKR_OPERATION_ACTIVE), so concurrent sign() calls each borrow a session and wait when all are
 * busy. Sessions are opened once; the login is token-wide, so new sessions are logged in too.
 */
import { AppError } from '../errors';
import type { Pkcs11Library } from './pkcs11-modules';

/** Sessions of one token, borrowed one at a time. */
export class Pkcs11SessionPool {
  private readonly idle: Buffer[] = [];
  private readonly waiters: Array<(session: Buffer) => void> = [];
  private readonly all = new Set<Buffer>();
  private isClosed = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly lib: Pkcs11Library,
    private readonly slot: Buffer,
    first: Buffer,
    size: number,
  ) {
    this.adopt(first);
    for (let i = 1; i < size; i++) this.adopt(this.open());
  }

  /** Opens a read-only serial session (signing needs no R/W session: §5.6). */
  static openSession(lib: Pkcs11Library, slot: Buffer): Buffer {
    return lib.api.C_OpenSession(slot, lib.binding.CKF_SERIAL_SESSION);
  }

  /** Runs `use` with a session of its own; a session that failed is replaced by a fresh one. */
  async use<T>(use: (session: Buffer) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      const result = await use(session);
      this.release(session);
      return result;
    } catch (e) {
      this.replace(session);
      throw e;
    }
  }

  /** Waits for borrowed sessions to come back, calls `beforeClose` with one, then closes them all. */
  async close(beforeClose?: (session: Buffer) => void): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.idle.length < this.all.size) await new Promise<void>((resolve) => (this.drained = resolve));
    const any = this.idle[0];
    if (any && beforeClose) {
      try {
        beforeClose(any);
      } catch {
        // Logging out of a token that is going away: closing the sessions ends the login anyway.
      }
    }
    for (const s of this.all) this.closeQuietly(s);
    this.all.clear();
    this.idle.length = 0;
  }

  private closeQuietly(session: Buffer): void {
    try {
      this.lib.api.C_CloseSession(session);
    } catch {
      // Closing: the session may already be gone with the token.
    }
  }

  private open(): Buffer {
    return Pkcs11SessionPool.openSession(this.lib, this.slot);
  }

  private adopt(session: Buffer): void {
    this.all.add(session);
    this.idle.push(session);
  }

  private acquire(): Promise<Buffer> {
    if (this.isClosed) return Promise.reject(new AppError('SIGN_FAILED', 'The PKCS#11 key has been closed'));
    const session = this.idle.pop();
    if (session) return Promise.resolve(session);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(session: Buffer): void {
    const next = this.waiters.shift(); // Signatures asked for before close() still run.
    if (next) return next(session);
    this.idle.push(session);
    if (this.isClosed && this.idle.length === this.all.size) this.drained?.();
  }

  /**
   * An operation may still be active on a failed session (§5.12): open another, then close it.
   * Opening first keeps the token logged in (closing the last session logs out, §5.6.7).
   */
  private replace(session: Buffer): void {
    let fresh: Buffer | undefined;
    try {
      if (!this.isClosed || this.waiters.length > 0) fresh = this.open();
      this.lib.api.C_CloseSession(session);
      this.all.delete(session);
    } catch {
      if (fresh) this.closeQuietly(fresh);
      return this.release(session); // Keep the old one rather than shrink the pool.
    }
    if (fresh) {
      this.all.add(fresh);
      this.release(fresh);
    } else if (this.isClosed && this.idle.length === this.all.size) {
      this.drained?.();
    }
  }
}
