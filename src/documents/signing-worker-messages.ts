/**
 * The messages between the request thread and a signing worker thread (structured-cloneable
 * values only: bytes, strings, numbers, dates), and errors converted for the crossing.
 */
import { AppError, type ErrorCode } from '../errors';
import type { HashAlgorithm, KeyDescription, SignatureScheme } from '../keys/key-handle';
import type { SignWork, SignWorkResult } from './sign-work';

/** The public part of a key, sent with each job (the private key never leaves its thread). */
export interface PublicKeyInfo {
  /** The parent's number for this KeyHandle: the worker keeps one handle per id. */
  id: number;
  alias: string;
  certificate: Uint8Array;
  chain: Uint8Array[];
  key: KeyDescription;
  scheme: SignatureScheme;
}

/** An error crossing the thread boundary: an AppError keeps its stable code. */
export interface WireError {
  code?: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

export type ToWorker =
  | { type: 'job'; job: number; work: SignWork; key: PublicKeyInfo }
  | { type: 'signed'; id: number; signature: Uint8Array }
  | { type: 'sign-failed'; id: number; error: WireError };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'broken'; message: string }
  | { type: 'sign'; key: number; id: number; data: Uint8Array; hash: HashAlgorithm }
  | { type: 'done'; job: number; result: SignWorkResult }
  | { type: 'failed'; job: number; error: WireError };

/** An error as it crosses to the other thread. */
export function toWireError(e: unknown): WireError {
  if (e instanceof AppError) return { code: e.code, message: e.message, details: e.details };
  return { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
}

/** The error again on this side: an AppError keeps its code, anything else is INTERNAL. */
export function fromWireError(e: WireError): AppError {
  if (e.code) return new AppError(e.code, e.message, e.details);
  return new AppError('INTERNAL', `Signing failed in a worker thread: ${e.message}`);
}
