
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../../src/errors';
import { certificatesFromBytes, createVerificationContext, TrustStore, validateReport, verifyPdf } from '../../../src/verification';
import { basePdf } from '../../fixtures/hostile/base-pdf';
import { buildHostileFixtures, Fixture, HOSTILE_FIXTURES } from '../../fixtures/hostile/build-hostile-fixtures';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pki = getTestPki();
const root = pki.get('dev-root-ca').certificateDer;
const context = createVerificationContext({ trustStore: new TrustStore([root]) });
let fixtures: Fixture[] = [];
const byName = (n: string) => fixtures.find((f) => f.name === n)!.bytes;

beforeAll(async () => {
  fixtures = await buildHostileFixtures(pki);
});

describe('verifyPdf on generated fixtures', () => {
  test.each(HOSTILE_FIXTURES)(
    'when verifying %s, then the verdict is %s and the report matches the schema',
    async (name, expected) => {
      const report = await verifyPdf(byName(name), context);
      expect(validateReport(report)).toEqual([]);
      if (expected === 'NOT_VALID') expect(report.verdict).not.toBe('VALID');
      else expect(report.verdict).toBe(expected);
    },
  );

  test('when a hostile fixture is verified, then it is never VALID', async () => {
    for (const f of fixtures.filter((x) => !x.name.startsWith('good-'))) {
      expect([f.name, (await verifyPdf(f.bytes, context)).verdict]).not.toEqual([f.name, 'VALID']);
    }
  });

  test('when the signer was revoked before signing, then TOTAL_FAILED/REVOKED from CMS data', async () => {
    const r = await verifyPdf(byName('revoked-signer.pdf'), context);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(r.signatures[0].trust.revocation).toMatchObject({ status: 'REVOKED', source: 'CMS' });
  });

  test('when the certificate had expired at signing time, then TOTAL_FAILED/EXPIRED', async () => {
    const r = await verifyPdf(byName('expired-signer.pdf'), context);
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'EXPIRED' });
  });

  test('when the root is unknown, then INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const other = pki.get('dev-tsa').certificateDer;
    const r = await verifyPdf(byName('good-signed.pdf'), createVerificationContext({ trustStore: new TrustStore([other]) }));
    expect(r.verdict).toBe('INDETERMINATE');
    expect(r.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
  });

  test('when the good file is verified, then facts name the signer, coverage and Vietnamese explanation', async () => {
    const r = await verifyPdf(byName('good-two-signatures.pdf'), context);
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures[0].coverage).toBe('ENTIRE_REVISION');
    expect(r.signatures[0].modifications.level).toBe('SIGNATURES_AND_TIMESTAMPS');
    expect(r.signatures[1].coverage).toBe('ENTIRE_FILE');
    expect(r.signatures[0].signer?.subject).toContain('Nguyễn Văn Hùng');
    expect(r.explanation.vi).toContain('hợp lệ');
    expect(r.signatures[0].trust.chain.length).toBeGreaterThanOrEqual(2);
  });

  test('when the input is not a PDF, then VERIFY_UNREADABLE is thrown', async () => {
    const error = await verifyPdf(Buffer.from('hello'), context).catch((e: unknown) => e);
    expect(isAppError(error, 'VERIFY_UNREADABLE')).toBe(true);
  });

  test('when an unsigned PDF is verified, then NOT_SIGNED', async () => {
    expect((await verifyPdf(basePdf(), context)).verdict).toBe('NOT_SIGNED');
  });
});

describe('verifyPdf on the fixture files on disk', () => {
  const dir = path.resolve(__dirname, '../../fixtures/hostile');
  const files = readdirSync(dir).filter((f) => f.endsWith('.pdf'));
  const anchor = certificatesFromBytes(readFileSync(path.join(dir, 'root.pem')));
  const diskContext = createVerificationContext({ trustStore: new TrustStore(anchor) });

  test('when a hostile file from disk is verified, then it is never VALID', async () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files.filter((n) => !n.startsWith('good-'))) {
      const r = await verifyPdf(readFileSync(path.join(dir, f)), diskContext);
      expect([f, r.verdict]).not.toEqual([f, 'VALID']);
    }
  });
});

