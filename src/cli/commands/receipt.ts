/**
 * `kyso receipt issue REQUEST.json -o RECEIPT.pdf [--xml RECEIPT.xml] [--fees CATALOG.json]`,
 * `kyso receipt show ID`, `kyso receipt report --from DATE --to DATE [--csv]`.
 * Same use cases as the API, over the registry (DATABASE_URL, else PGlite under DATA_DIR), the
 * file store under DATA_DIR/files and the configured keys (KEYS_FILE, else certs-dev). `issue`
 * prints { id, templateSymbol, symbol, number, total, lookupUrl } as JSON.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';
import { loadConfig } from '../../config';
import { PROJECT_ROOT } from '../../compose';
import { loadKeyStoreFromFile } from '../../keys/load-key-store-fs';
import { openDatabase } from '../../registry/database';
import { feeCatalogSchema, importFeeCatalog } from '../../receipts/fee-catalog';
import { issueReceipt } from '../../receipts/issue-receipt';
import { viewOf } from '../../receipts/lookup-receipt';
import { organisationKeyFromStore } from '../../receipts/organisation-key';
import { receiptReport, reportToCsv } from '../../receipts/receipt-report';
import type { ReceiptsDeps } from '../../receipts/receipts-deps';
import { loadTinosFonts } from '../../stamp/load-tinos-fonts';
import { FsDocumentStore } from '../../storage/fs-document-store';
import { parseCommandArgs } from '../args';
import type { CliIo } from '../io';
import { writeFileAtomic } from '../write-atomic';

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  xml: { type: 'string' },
  fees: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  csv: { type: 'boolean' },
} as const;

/** Runs a receipt subcommand; returns the exit status. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const [sub, arg] = positionals;
  const at = (p: string) => path.resolve(io.cwd, p);
  if (sub !== 'issue' && sub !== 'show' && sub !== 'report') {
    throw new AppError('BAD_REQUEST', 'usage: kyso receipt issue REQUEST.json -o RECEIPT.pdf [--xml RECEIPT.xml] | show ID | report --from DATE --to DATE [--csv]');
  }
  const config = loadConfig(io.env, io.cwd);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const keys = loadKeyStoreFromFile(config.KEYS_FILE ?? path.join(PROJECT_ROOT, 'certs-dev', 'index.json'));
  const deps: ReceiptsDeps = {
    db: database.db,
    store: new FsDocumentStore(path.join(config.dataDir, 'files')),
    organisationKey: organisationKeyFromStore(keys),
    fonts: loadTinosFonts(),
    publicBaseUrl: config.PUBLIC_BASE_URL,
  };
  try {
    if (sub === 'issue') {
      if (!arg || !values.output) throw new AppError('BAD_REQUEST', 'usage: kyso receipt issue REQUEST.json -o RECEIPT.pdf [--xml RECEIPT.xml]');
      if (values.fees) await importFeeCatalog(deps.db, feeCatalogSchema.parse(JSON.parse(await fs.readFile(at(values.fees), 'utf8'))));
      const request = JSON.parse(await readText(at(arg)));
      const r = await issueReceipt(deps, request, 'cli');
      await writeFileAtomic(at(values.output), (await deps.store.get(r.pdfSha256))!);
      if (values.xml) await writeFileAtomic(at(values.xml), (await deps.store.get(r.xmlSha256))!);
      const { id, templateSymbol, symbol, number, total, lookupUrl } = r;
      io.stdout(`${JSON.stringify({ id, templateSymbol, symbol, number, total, lookupUrl }, null, 2)}\n`);
    } else if (sub === 'show') {
      if (!arg) throw new AppError('BAD_REQUEST', 'usage: kyso receipt show ID');
      io.stdout(`${JSON.stringify(await viewOf(deps, arg), null, 2)}\n`);
    } else {
      if (!values.from || !values.to) throw new AppError('BAD_REQUEST', 'usage: kyso receipt report --from DATE --to DATE [--csv]');
      const report = await receiptReport(deps, { from: values.from, to: values.to });
      io.stdout(values.csv ? reportToCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
    }
    return 0;
  } finally {
    await keys.close();
    await database.close();
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new AppError('BAD_REQUEST', `Cannot read ${file}: ${(e as Error).message}`);
  }
}
