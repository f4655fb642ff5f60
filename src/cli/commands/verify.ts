/**
 * `kyso verify FILE.pdf [--json] [--trust DIR] [--at ISO-8601] [--offline]`. Prints a readable
 * report (or the JSON report). Exit status: 0 VALID, 1 INVALID or MODIFIED, 2 INDETERMINATE or
 * NOT_SIGNED, 3 unreadable input or usage error (issue 3 item 6).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';
import { openTrustStore } from '../../compose';
import { createVerificationContext } from '../../trust/verification-context';
import { httpRevocationFetcher } from '../../trust/http-revocation-fetcher';
import { verifyPdf } from '../../verification/verify-pdf';
import type { DocumentVerdict, VerificationReport } from '../../verification/report';
import { parseCommandArgs } from '../args';
import type { CliIo } from '../io';

const OPTIONS = {
  json: { type: 'boolean' },
  trust: { type: 'string' },
  at: { type: 'string' },
  offline: { type: 'boolean' },
} as const;

const EXIT: Record<DocumentVerdict, number> = { VALID: 0, INVALID: 1, MODIFIED: 1, INDETERMINATE: 2, NOT_SIGNED: 2 };

/** Renders the report for a terminal, Vietnamese first, then English. */
export function formatReport(file: string, r: VerificationReport): string {
  const lines = [`${file}: ${r.verdict}`, `  ${r.explanation.vi}`, `  ${r.explanation.en}`];
  r.signatures.forEach((s, i) => {
    lines.push('', `Signature ${i + 1}${s.fieldName ? ` (${s.fieldName})` : ''}: ${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`);
    if (s.signer) lines.push(`  signer:   ${s.signer.subject}`, `  issuer:   ${s.signer.issuer}`);
    if (s.claimedSigningTime) lines.push(`  time (/M): ${s.claimedSigningTime}`);
    if (s.timestampTime) lines.push(`  timestamp: ${s.timestampTime}`);
    lines.push(`  coverage: ${s.coverage}; changes after signing: ${s.modifications.level}`);
    lines.push(`  ${s.explanation.vi}`, `  ${s.explanation.en}`);
    for (const p of s.problems) lines.push(`  - [${p.severity}] ${p.code}: ${p.vi} / ${p.en}${p.detail ? ` (${p.detail})` : ''}`);
  });
  for (const p of r.problems) lines.push(`- [${p.severity}] ${p.code}: ${p.vi} / ${p.en}`);
  return `${lines.join('\n')}\n`;
}

/** Runs the command. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length !== 1) throw new AppError('BAD_REQUEST', 'usage: kyso verify FILE.pdf [--json] [--trust DIR] [--at ISO-8601] [--offline]');
  const at = values.at ? new Date(values.at) : new Date();
  if (Number.isNaN(at.getTime())) throw new AppError('BAD_REQUEST', `--at is not an ISO-8601 time: ${values.at}`);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.resolve(io.cwd, positionals[0]));
  } catch {
    throw new AppError('BAD_REQUEST', `Cannot read ${positionals[0]}`);
  }
  const trustStore = await openTrustStore({ TRUST_DIR: values.trust ? path.resolve(io.cwd, values.trust) : undefined });
  // Revocation data embedded in the file comes first; the network (OCSP, then CRL from the
  // certificates' own URLs) is asked only without --offline.
  const context = createVerificationContext({
    trustStore,
    now: at,
    allowNetwork: !values.offline,
    fetchers: values.offline ? {} : { revocation: httpRevocationFetcher() },
  });
  const report = await verifyPdf(bytes, context);
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(positionals[0], report));
  return EXIT[report.verdict];
}
