/**
 * The one error handler: every AppError becomes `{ error: { code, message, details? } }` with
 * the status from the single table in errors.ts; anything else is logged and answered 500.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError, toAppError } from '../errors';
import type { Logger } from '../log';

/** Maps errors raised by body parsers (express.raw/json) to AppErrors. */
function fromBodyParser(err: unknown): AppError | undefined {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than allowed.');
  if (type === 'entity.parse.failed') return new AppError('BAD_REQUEST', 'The request body is not valid JSON.');
  return undefined;
}

/** Express error middleware (four arguments). */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const appError = fromBodyParser(err) ?? toAppError(err);
    if (appError.status >= 500) logger.error({ err, path: req.path }, appError.message);
    else logger.debug({ code: appError.code, path: req.path }, appError.message);
    if (res.headersSent) return;
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}
