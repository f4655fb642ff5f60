/**
 * The verifier's fast paths must answer exactly what the slow ways answer: shared SHA-2 prefix
 * states against hashing each range afresh, the byte scanner for object headers against the
 * regular expression it replaced, and the signed revision read from the chain against the prefix
 * opened on its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openPdf } from '../../../src/pdf';
import { duplicateObjects } from '../../../src/verification/check-document-structure';
import { openSignedRevision } from '../../../src/verification/open-signed-revision';
import { PrefixDigests } from '../../../src/verification/prefix-digests';

const HOSTILE = path.resolve(__dirname, '../../fixtures/hostile');
const pdfs = readdirSync(HOSTILE).filter((f) => f.endsWith('.pdf')).map((f) => [f, readFileSync(path.join(HOSTILE, f))] as const);

function duplicatesByRegex(text: string): number[] {
  const re = /(?:^|[\r\n])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b/g;
  const seen = new Set<number>();
  const dup = new Set<number>();
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1]);
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

describe('PrefixDigests', () => {
  test('when ranges and the whole file are hashed in any order, then each digest equals a fresh hash', () => {
    const bytes = randomBytes(100_000);
    const d = new PrefixDigests(bytes);
    const fresh = (br: number[]) => createHash('sha256').update(bytes.subarray(br[0], br[0] + br[1])).update(bytes.subarray(br[2], br[2] + br[3])).digest();
    for (const br of [[0, 60_000, 61_000, 39_000], [0, 20_000, 21_000, 10_000], [0, 60_000, 61_000, 1_000], [5, 10, 20, 30]]) {
      expect(d.byteRange('sha256', br).equals(fresh(br))).toBe(true);
    }
    expect(d.whole('sha256').equals(createHash('sha256').update(bytes).digest())).toBe(true);
    expect(d.byteRange('sha512', [0, 50_000, 50_001, 10]).equals(createHash('sha512').update(bytes.subarray(0, 50_000)).update(bytes.subarray(50_001, 50_011)).digest())).toBe(true);
  });
});

describe('duplicateObjects', () => {
  test.each(pdfs)('when scanning %s, then it finds the numbers the regular expression finds', (_name, bytes) => {
    expect(duplicateObjects(bytes, 0, bytes.length).sort()).toEqual(duplicatesByRegex(bytes.toString('latin1')).sort());
  });

  test('when headers sit mid-line, are glued to words or have long numbers, then it agrees with the regular expression', () => {
    const text = '1 0 obj\nx 2 0 obj\n3 0 objx\n\r4\n0\nobj\n1 0 obj\n12345678901 0 obj\n5 123456 obj\n4 0 obj';
    expect(duplicateObjects(Buffer.from(text, 'latin1'), 0, text.length).sort()).toEqual(duplicatesByRegex(text).sort());
    expect(duplicateObjects(Buffer.from(text, 'latin1'), 0, text.length).sort()).toEqual([1, 4]);
  });
});

describe('openSignedRevision', () => {
  test.each(pdfs)('when %s has several revisions, then the chain view reads the same objects as the prefix opened alone', (_name, bytes) => {
    let doc;
    try {
      doc = openPdf(bytes);
    } catch {
      return;
    }
    for (const rev of doc.revisions.slice(0, -1)) {
      const view = openSignedRevision(doc, rev.endOffset, {});
      const alone = openPdf(bytes.subarray(0, rev.endOffset));
      expect(view).not.toBeNull();
      expect([...view!.doc.entries]).toEqual([...alone.entries]);
      for (const [n] of alone.entries) expect(view!.doc.getObject(n)).toEqual(alone.getObject(n));
    }
  });
});
