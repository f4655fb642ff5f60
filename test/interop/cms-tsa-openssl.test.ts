/** The development TSA judged by `openssl ts -verify` (RFC 3161 request, response and token). */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPkcs12 } from '../../src/keys/open-pkcs12';
import { createTimeStampToken, respondTimeStamp } from '../../src/trust-services/create-time-stamp-token';
import { getTestPki, testRootPem } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';

const describeOpenssl = requireTool('openssl', 'openssl') ? describe : describe.skip;

describeOpenssl('development TSA, verified by openssl ts', () => {
  const pki = getTestPki();
  const tsaId = pki.get('dev-tsa');
  const tsa = openPkcs12(tsaId.pkcs12, tsaId.passphrase, tsaId.alias);
  let dir: string;
  const file = (name: string): string => join(dir, name);
  const data = Buffer.from('signature value stand-in');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-tsa-'));
    writeFileSync(file('root.pem'), testRootPem());
    writeFileSync(file('data.bin'), data);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when openssl sends a request with a nonce, then our response verifies against the query and the root', async () => {
    execFileSync('openssl', ['ts', '-query', '-data', file('data.bin'), '-sha256', '-cert', '-out', file('req.tsq')]);
    const response = await respondTimeStamp(readFileSync(file('req.tsq')), tsa, new Date());
    writeFileSync(file('resp.tsr'), response);
    const r = spawnSync('openssl', ['ts', '-verify', '-in', file('resp.tsr'), '-queryfile', file('req.tsq'), '-CAfile', file('root.pem')]);
    expect(r.stdout.toString() + r.stderr.toString()).toContain('Verification: OK');
    const text = execFileSync('openssl', ['ts', '-reply', '-in', file('resp.tsr'), '-text']).toString();
    expect(text).toMatch(/Status: Granted/);
    expect(text).toMatch(/Nonce: 0x/);
  });

  it('when a token is made for a sha384 imprint, then openssl verifies it against the data and not against other data', async () => {
    const token = await createTimeStampToken(createHash('sha384').update(data).digest(), 'sha384', tsa, new Date());
    writeFileSync(file('token.der'), token);
    const ok = spawnSync('openssl', ['ts', '-verify', '-data', file('data.bin'), '-in', file('token.der'), '-token_in', '-CAfile', file('root.pem')]);
    expect(ok.stdout.toString()).toContain('Verification: OK');
    writeFileSync(file('other.bin'), 'other');
    const bad = spawnSync('openssl', ['ts', '-verify', '-data', file('other.bin'), '-in', file('token.der'), '-token_in', '-CAfile', file('root.pem')]);
    expect(bad.status).not.toBe(0);
  });

  it('when the request is garbage, then the response is a rejection', async () => {
    const response = await respondTimeStamp(Buffer.from('nope'), tsa, new Date());
    writeFileSync(file('bad.tsr'), response);
    expect(execFileSync('openssl', ['ts', '-reply', '-in', file('bad.tsr'), '-text']).toString()).toMatch(/Status: Rejected/);
  });
});
