/**
 * The kyso command in-process: exit statuses, one-line errors, and nothing written on failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { getTestPki, testRootPem } from '../../fixtures/pki/test-pki';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-cli-'));

function io(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    env,
    cwd: dir,
    stdout: (t: string) => {
      r.out += t;
    },
    stderr: (t: string) => {
      r.err += t;
    },
  };
  return r;
}

describe('kyso sign and kyso verify', () => {
  const id = getTestPki().get('org-can-giuoc');
  const p12 = path.join(dir, 'org.p12');
  writeFileSync(p12, id.pkcs12);
  const trust = path.join(dir, 'trust');
  require('node:fs').mkdirSync(trust);
  writeFileSync(path.join(trust, 'root.pem'), testRootPem());
  const input = path.join(ROOT, 'samples', 'quyet-dinh.pdf');

  test('When the key password is right, then the signed file verifies VALID with exit 0', async () => {
    const sign = io({ KYSO_KEY_PASSWORD: id.passphrase });
    expect(await main(['sign', input, '-o', 'out.pdf', '--key', p12, '--reason', 'Đóng dấu'], sign)).toBe(0);
    const out = readFileSync(path.join(dir, 'out.pdf'));
    expect(out.subarray(0, readFileSync(input).length).equals(readFileSync(input))).toBe(true);
    const verify = io();
    expect(await main(['verify', 'out.pdf', '--trust', trust, '--json'], verify)).toBe(0);
    expect(JSON.parse(verify.out).verdict).toBe('VALID');
  });

  test('When the password is wrong, then one line names the error, the exit is non-zero and nothing is written', async () => {
    const r = io({ PASS: 'wrong' });
    const code = await main(['sign', input, '-o', 'bad.pdf', '--key', p12, '--pass-env', 'PASS'], r);
    expect(code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('KEY_BAD_PASSWORD');
    expect(existsSync(path.join(dir, 'bad.pdf'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('When the input is not a PDF, then signing fails with PDF_NOT_A_PDF and writes nothing', async () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'không phải PDF');
    const r = io({ KYSO_KEY_PASSWORD: id.passphrase });
    expect(await main(['sign', 'notes.txt', '-o', 'x.pdf', '--key', p12], r)).not.toBe(0);
    expect(r.err).toContain('PDF_NOT_A_PDF');
    expect(existsSync(path.join(dir, 'x.pdf'))).toBe(false);
  });

  test('When the verified file is unreadable or the usage is wrong, then the exit status is 3', async () => {
    expect(await main(['verify', 'notes.txt'], io())).toBe(3);
    expect(await main(['verify'], io())).toBe(3);
    expect(await main(['sign', input, '--bogus'], io())).toBe(3);
  });

  test('When an unsigned file is verified, then the verdict is NOT_SIGNED with exit 2', async () => {
    const r = io();
    expect(await main(['verify', input, '--trust', trust], r)).toBe(2);
    expect(r.out).toContain('NOT_SIGNED');
  });

  test('When a signed file is verified against an unknown root, then it is INDETERMINATE with exit 2', async () => {
    const other = path.join(dir, 'other-trust');
    require('node:fs').mkdirSync(other);
    require('node:fs').copyFileSync(path.join(ROOT, 'certs-dev', 'root.crt'), path.join(other, 'root.crt'));
    const r = io();
    expect(await main(['verify', 'out.pdf', '--trust', other, '--json'], r)).toBe(2);
    const report = JSON.parse(r.out);
    expect(report.verdict).toBe('INDETERMINATE');
    expect(report.signatures[0].subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });
});
