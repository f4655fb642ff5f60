/**
 * A small argument parser (node:util parseArgs) that turns usage errors into AppError
 * BAD_REQUEST so that every command exits with a one-line message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../errors';

/** Parses `args` with the given options; unknown flags are usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new AppError('BAD_REQUEST', (e as Error).message);
  }
}
