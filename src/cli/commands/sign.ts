/**
 * `kyso sign IN.pdf -o OUT.pdf --key FILE.p12 [--pass-env VAR] [--reason TEXT] [--location TEXT]
 * [--field NAME] [--subfilter etsi|adbe] [--certify 1|2|3] [--hash sha256|sha384|sha512]`.
 * Exit 0 on success; a one-line error and non-zero otherwise. Nothing is written on failure.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';
import { openPkcs12 } from '../../keys/open-pkcs12';
import { signPdf, type SignPdfOptions } from '../../signing/sign-pdf';
import { parseCommandArgs } from '../args';
import type { CliIo } from '../io';
import { writeFileAtomic } from '../write-atomic';

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  key: { type: 'string' },
  'pass-env': { type: 'string' },
  reason: { type: 'string' },
  location: { type: 'string' },
  field: { type: 'string' },
  subfilter: { type: 'string' },
  certify: { type: 'string' },
  hash: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new AppError('BAD_REQUEST', `--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

async function readInput(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch {
    throw new AppError('BAD_REQUEST', `Cannot read ${what} ${file}`);
  }
}

/** Runs the command. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length !== 1) throw new AppError('BAD_REQUEST', 'usage: kyso sign IN.pdf -o OUT.pdf --key FILE.p12 [--pass-env VAR]');
  if (!values.output) throw new AppError('BAD_REQUEST', 'the output file is required: -o OUT.pdf');
  if (!values.key) throw new AppError('BAD_REQUEST', 'the signing key is required: --key FILE.p12');
  const passVar = values['pass-env'] ?? 'KYSO_KEY_PASSWORD';
  const password = io.env[passVar];
  if (password === undefined) throw new AppError('BAD_REQUEST', `the key password is read from $${passVar}, which is not set`);

  const input = await readInput(path.resolve(io.cwd, positionals[0]), 'the input PDF');
  const key = openPkcs12(await readInput(path.resolve(io.cwd, values.key), 'the key file'), password, path.basename(values.key));
  const certify = pick(values.certify, ['1', '2', '3'] as const, 'certify');
  const options: SignPdfOptions = {
    reason: values.reason,
    location: values.location,
    fieldName: values.field,
    subFilter: pick(values.subfilter, ['etsi', 'adbe'] as const, 'subfilter'),
    certify: certify ? (Number(certify) as 1 | 2 | 3) : undefined,
    hash: pick(values.hash, ['sha256', 'sha384', 'sha512'] as const, 'hash'),
  };
  try {
    const signed = await signPdf(input, key, options);
    await writeFileAtomic(path.resolve(io.cwd, values.output), signed.bytes);
    if (values.json) {
      io.stdout(`${JSON.stringify({ output: values.output, field: signed.fieldName, signingTime: signed.signingTime.toISOString() })}\n`);
    } else {
      io.stdout(`signed ${positionals[0]} -> ${values.output} (field ${signed.fieldName})\n`);
    }
    return 0;
  } finally {
    await key.close();
  }
}
