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

/** Total length of the DER element at the start of `der` (tag, length octets and content). */
export function derLength(der: Buffer): number {
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[2 + i];
  return 2 + n + length;
}

/** Runs openssl cms -verify for the last `count` signatures; throws when one fails. */
export function opensslVerifyLastSignatures(pdf: Buffer, rootPem: string, count = 1): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-cms-'));
  const root = path.join(dir, 'root.pem');
  writeFileSync(root, rootPem);
  for (const [i, [a, b, c, d]] of byteRangesOf(pdf).slice(-count).entries()) {
    const padded = Buffer.from(pdf.subarray(b + 1, c - 1).toString('latin1'), 'hex');
    const cms = path.join(dir, `sig-${i}.der`);
    const content = path.join(dir, `content-${i}.bin`);
    // The CMS is followed by zero padding; its own DER length says where it ends (a signature
    // value may itself end in zero bytes, so trimming zeros would cut it).
    writeFileSync(cms, padded.subarray(0, derLength(padded)));
    writeFileSync(content, Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cms, '-content', content, '-CAfile', root, '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
  }
}
