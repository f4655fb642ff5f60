/**
 * Multipart/form-data parsing with busboy into memory, with limits: file parts become Buffers,
 * field parts strings. Used by the sign, verify and exchange routes.
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../errors';

/** A parsed multipart body. */
export interface MultipartBody {
  fields: Record<string, string>;
  files: { field: string; filename: string; mimeType: string; data: Buffer }[];
}

/** Reads a multipart request; PAYLOAD_TOO_LARGE past `maxBytes` per file or `maxFiles` files. */
export function readMultipart(req: Request, limits: { maxBytes: number; maxFiles?: number }): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limits.maxBytes, files: limits.maxFiles ?? 20, fieldSize: 4 * 1024 * 1024 },
      });
    } catch {
      reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Expected a multipart/form-data body.'));
      return;
    }
    const body: MultipartBody = { fields: {}, files: [] };
    let failed: AppError | undefined;
    bb.on('field', (name, value) => {
      body.fields[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = new AppError('PAYLOAD_TOO_LARGE', `The file "${info.filename}" is larger than ${limits.maxBytes} bytes.`);
      });
      stream.on('end', () => {
        body.files.push({ field, filename: info.filename ?? "", mimeType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    bb.on('filesLimit', () => {
      failed = new AppError('PAYLOAD_TOO_LARGE', 'Too many files in one request.');
    });
    bb.on('error', () => reject(new AppError('BAD_REQUEST', 'The multipart body is malformed.')));
    bb.on('close', () => (failed ? reject(failed) : resolve(body)));
    req.pipe(bb);
  });
}
