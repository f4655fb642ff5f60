/**
 * Verifies the CMS of each signature of a PDF with `openssl cms -verify` over the bytes its
 * ByteRange covers, independently of kyso's own reader (the ByteRange is found textually).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The signatures' ByteRanges in file order (the last is the newest). */
export function byteRangesOf(pdf: Buffer): number[][] {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => m.slice(1, 5).map(Number));
}

/** Runs openssl cms -verify for the last `count` signatures; throws when one fails. */
export function opensslVerifyLastSignatures(pdf: Buffer, rootPem: string, count = 1): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-cms-'));
  const root = path.join(dir, 'root.pem');
  writeFileSync(root, rootPem);
  for (const [i, [a, b, c, d]] of byteRangesOf(pdf).slice(-count).entries()) {
    const hex = pdf.subarray(b + 1, c - 1).toString('latin1').replace(/(00)+$/, '');
    const cms = path.join(dir, `sig-${i}.der`);
    const content = path.join(dir, `content-${i}.bin`);
    writeFileSync(cms, Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    writeFileSync(content, Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cms, '-content', content, '-CAfile', root, '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
  }
}
