/**
 * `kyso sign IN.pdf -o OUT.pdf --key FILE.p12 [--pass-env VAR] [--reason TEXT] [--location TEXT]
 * [--field NAME] [--subfilter etsi|adbe] [--certify 1|2|3] [--hash sha256|sha384|sha512]
 * [--appearance personal|organisation|attachment|copy] [--image PNG] [--seal PNG]
 * [--anchor TEXT | --page N --rect x,y,w,h] [--qr] [--register --number TEXT --title TEXT
 * [--type TEXT]] [--org-name TEXT] [--copy-kind "SAO Y"|"SAO LỤC"|"TRÍCH SAO"] [--agency CODE] [--json]`.
 * Decree 30/2020 Appendix I appearances; --page is 1-based. --qr and --register record the document
 * in the registry (DATABASE_URL, else PGlite under DATA_DIR) with the verification URL printed by
 * --json. Exit 0 on success; a one-line error and non-zero otherwise. Nothing is written on failure.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';
import { loadConfig } from '../../config';
import { parseCertificate } from '../../cms/parse-certificate';
import type { KeyHandle } from '../../keys/key-handle';
import { openPkcs12 } from '../../keys/open-pkcs12';
import type { KeyStoreEntry } from '../../keys/load-key-store';
import { openDatabase, type Database } from '../../registry/database';
import { FsDocumentStore } from '../../storage/fs-document-store';
import { createStampKit, loadTinosFonts } from '../../stamp';
import { signDocument, type AppearanceChoice, type CopyKind, type SignDocumentDeps } from '../../documents/sign-document';
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
  appearance: { type: 'string' },
  image: { type: 'string' },
  seal: { type: 'string' },
  anchor: { type: 'string' },
  page: { type: 'string' },
  rect: { type: 'string' },
  qr: { type: 'boolean' },
  register: { type: 'boolean' },
  number: { type: 'string' },
  title: { type: 'string' },
  type: { type: 'string' },
  'org-name': { type: 'string' },
  'copy-kind': { type: 'string' },
  agency: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The sample images used when --image / --seal are not given (development). */
const SAMPLES = path.resolve(__dirname, '..', '..', '..', 'samples');

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

function parseRect(text: string | undefined): [number, number, number, number] | undefined {
  if (text === undefined) return undefined;
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length !== 4 || v.some((n) => !Number.isFinite(n))) throw new AppError('BAD_REQUEST', '--rect must be x,y,width,height in points');
  return v as [number, number, number, number];
}

function parsePage(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new AppError('BAD_REQUEST', '--page must be a page number starting at 1');
  return n - 1;
}

/** A one-key store over the opened PKCS#12; the agency code from --agency or the certificate's UID. */
function singleKeyStore(key: KeyHandle, agency: string | undefined): SignDocumentDeps['keys'] {
  const uid = /(?:^|,\s*)UID=([^,]+)/.exec(parseCertificate(key.certificate).subject)?.[1];
  const entry: KeyStoreEntry = { alias: key.alias, p12: '', passphrase: '', agencyCode: agency ?? uid ?? null };
  return { list: () => [entry], get: async () => key };
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
  const appearance = pick(values.appearance, ['personal', 'organisation', 'attachment', 'copy', 'none'] as const, 'appearance') as AppearanceChoice | undefined;
  const certify = pick(values.certify, ['1', '2', '3'] as const, 'certify');
  const rect = parseRect(values.rect);
  const page = parsePage(values.page);
  const copyKind = pick(values['copy-kind'], ['SAO Y', 'SAO LỤC', 'TRÍCH SAO'] as const, 'copy-kind') as CopyKind | undefined;
  const at = (f: string) => path.resolve(io.cwd, f);

  const input = await readInput(at(positionals[0]), 'the input PDF');
  const signatureImage = appearance === 'personal' ? await readInput(values.image ? at(values.image) : path.join(SAMPLES, 'chu-ky-ca-nhan.png'), 'the signature image') : undefined;
  const sealImage = appearance === 'organisation' ? await readInput(values.seal ? at(values.seal) : path.join(SAMPLES, 'con-dau-do.png'), 'the seal image') : undefined;
  const key = openPkcs12(await readInput(at(values.key), 'the key file'), password, path.basename(values.key));
  let database: Database | undefined;
  try {
    const keys = singleKeyStore(key, values.agency);
    const deps: SignDocumentDeps = { keys, stamp: await createStampKit(loadTinosFonts()) };
    if (values.register || values.qr) {
      const config = loadConfig(io.env, io.cwd);
      database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
      deps.documents = { db: database.db, store: new FsDocumentStore(path.join(config.dataDir, 'files')), publicBaseUrl: config.PUBLIC_BASE_URL };
    }
    const agencyCode = keys.list()[0].agencyCode;
    const signed = await signDocument(deps, {
      pdf: input,
      keyAlias: key.alias,
      actor: agencyCode ? { kind: 'agency', agencyCode, keyId: 'cli' } : { kind: 'admin' },
      appearance, signatureImage, sealImage,
      anchor: values.anchor, page, rect,
      qr: values.qr, register: values.register,
      numberAndNotation: values.number, title: values.title, documentType: values.type,
      organisationName: values['org-name'], copyKind,
      reason: values.reason, location: values.location, fieldName: values.field,
      subFilter: pick(values.subfilter, ['etsi', 'adbe'] as const, 'subfilter'),
      certify: certify ? (Number(certify) as 1 | 2 | 3) : undefined,
      hash: pick(values.hash, ['sha256', 'sha384', 'sha512'] as const, 'hash'),
    });
    await writeFileAtomic(at(values.output), signed.bytes);
    if (values.json) {
      io.stdout(`${JSON.stringify({
        output: values.output, field: signed.fieldName, signingTime: signed.signingTime.toISOString(),
        documentId: signed.document?.id, verificationUrl: signed.document?.verificationUrl, sha256: signed.document?.sha256 ?? undefined,
      })}\n`);
    } else {
      const reg = signed.document ? `; registered ${signed.document.id} ${signed.document.verificationUrl}` : '';
      io.stdout(`signed ${positionals[0]} -> ${values.output} (field ${signed.fieldName})${reg}\n`);
    }
    return 0;
  } finally {
    await database?.close();
    await key.close();
  }
}
