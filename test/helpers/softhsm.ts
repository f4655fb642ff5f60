/**
 * A throw-away SoftHSM2 token for PKCS#11 tests: its own config and token directory (so nothing
 * touches /var/lib/softhsm), an RSA-2048 identity of the test PKI and an EC P-256 key issued by the
 * test sub-CA with openssl, imported with `softhsm2-util --import`, and the certificates (leaves,
 * sub-CA, root) written as CKO_CERTIFICATE objects through pkcs11js in a child process (so the
 * test process's own Cryptoki state is not touched). SoftHSM reads SOFTHSM2_CONF with getenv()
 * when the module is initialised, and jest gives each test file a copy of process.env that never
 * reaches the C environment: call `useSoftHsmConfig(token)` before opening a key.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getTestPki } from '../fixtures/pki/test-pki';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { requireTool } from './require-tool';

/** The Debian softhsm2 package's module. */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** One key on the token and its certificate. */
export interface SoftHsmKey {
  label: string;
  /** CKA_ID, hex. */
  id: string;
  certificateDer: Buffer;
}

/** A created token. */
export interface SoftHsmToken {
  confPath: string;
  tokenLabel: string;
  /** The slot id SoftHSM assigned to the token (as `softhsm2-util --show-slots` prints it). */
  slotId: string;
  pin: string;
  rsa: SoftHsmKey;
  ec: SoftHsmKey;
  rootDer: Buffer;
  /** Deletes the config and token files. */
  remove(): void;
}

/** True when softhsm2-util and the module are installed (CI fails instead of skipping). */
export function hasSoftHsm(): boolean {
  if (!requireTool('softhsm2-util', 'softhsm2')) return false;
  if (existsSync(SOFTHSM_MODULE)) return true;
  if (process.env.CI === 'true' || process.env.KYSO_REQUIRE_INTEROP === '1') throw new Error(`${SOFTHSM_MODULE} is required in CI: apt-get install softhsm2`);
  process.stderr.write(`skipping PKCS#11 tests: ${SOFTHSM_MODULE} missing; install with 'apt-get install softhsm2'\n`);
  return false;
}

/** Writes ec-key.pem (P-256) into `dir` and issues its certificate from the test sub-CA with openssl. */
function issueEcIdentity(dir: string): X509Certificate {
  const pki = getTestPki();
  const ca = pki.get('dev-gov-ca');
  const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const key = file('ec-key.pem', keyPem);
  const ext = file('ext.cnf', 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n');
  const run = (args: string[]): void => void execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-new', '-key', key, '-subj', '/C=VN/O=Test/CN=PKCS11 EC signer', '-out', join(dir, 'ec.csr')]);
  run(['x509', '-req', '-in', join(dir, 'ec.csr'), '-CA', file('ca.pem', ca.certificatePem), '-CAkey', file('ca.key', ca.privateKeyPem),
    '-set_serial', `0x${Date.now().toString(16)}`, '-days', '2', '-extfile', ext, '-out', join(dir, 'ec.pem')]);
  return new X509Certificate(readFileSync(join(dir, 'ec.pem')));
}

/** Writes certificate objects with pkcs11js in a child process (own Cryptoki state). */
const WRITE_CERTS = `
const p = require('pkcs11js');
const job = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const m = new p.PKCS11(); m.load(job.module); m.C_Initialize();
try {
  const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trim() === job.tokenLabel);
  const s = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
  m.C_Login(s, p.CKU_USER, job.pin);
  for (const c of job.certs) {
    const der = Buffer.from(c.der, 'base64');
    m.C_CreateObject(s, [
      { type: p.CKA_CLASS, value: p.CKO_CERTIFICATE }, { type: p.CKA_CERTIFICATE_TYPE, value: p.CKC_X_509 },
      { type: p.CKA_TOKEN, value: true }, { type: p.CKA_PRIVATE, value: false },
      { type: p.CKA_LABEL, value: c.label }, { type: p.CKA_ID, value: Buffer.from(c.id, 'hex') },
      { type: p.CKA_SUBJECT, value: Buffer.from(c.subject, 'base64') }, { type: p.CKA_VALUE, value: der },
    ]);
  }
  m.C_Logout(s); m.C_CloseSession(s);
} finally { m.C_Finalize(); m.close(); }
`;

/** The DER of a certificate's subject Name (for CKA_SUBJECT), cut out of the TBSCertificate. */
function subjectDer(der: Buffer): Buffer {
  // Minimal DER walk: Certificate SEQ > TBS SEQ > [0] version, serial, sigAlg, issuer, validity, subject.
  const header = (at: number): [number, number] => {
    const first = der[at + 1]!;
    if (first < 0x80) return [at + 2, first];
    const n = first & 0x7f;
    return [at + 2 + n, der.subarray(at + 2, at + 2 + n).reduce((a, b) => a * 256 + b, 0)];
  };
  let [at] = header(0);
  [at] = header(at);
  const skip = (): void => {
    const [start, len] = header(at);
    at = start + len;
  };
  if (der[at] === 0xa0) skip();
  for (let i = 0; i < 4; i++) skip();
  const [start, len] = header(at);
  return der.subarray(at, start + len);
}

/** Creates the token (a second or so: two key imports and one child process). */
export function createSoftHsmToken(tokenLabel = 'kyso-test', pin = '123456'): SoftHsmToken {
  const pki = getTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'kyso-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const confPath = join(dir, 'softhsm2.conf');
  writeFileSync(confPath, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: confPath };
  const util = (args: string[]): string => execFileSync('softhsm2-util', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const init = util(['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', '87654321']);
  const slotId = /reassigned to slot (\d+)/.exec(init)?.[1];
  if (!slotId) throw new Error(`softhsm2-util did not say which slot the token got: ${init}`);
  const signer = pki.get('org-can-giuoc');
  writeFileSync(join(dir, 'rsa-key.pem'), signer.privateKeyPem);
  util(['--import', join(dir, 'rsa-key.pem'), '--token', tokenLabel, '--label', 'rsa-signer', '--id', 'a1', '--pin', pin]);
  const ecDer = issueEcIdentity(dir).raw;
  util(['--import', join(dir, 'ec-key.pem'), '--token', tokenLabel, '--label', 'ec-signer', '--id', 'e1', '--pin', pin]);
  const rootDer = pki.get('dev-root-ca').certificateDer;
  const certs = [
    { label: 'rsa-signer', id: 'a1', der: signer.certificateDer },
    { label: 'ec-signer', id: 'e1', der: ecDer },
    { label: 'dev-gov-ca', id: 'c1', der: pki.get('dev-gov-ca').certificateDer },
    { label: 'dev-root-ca', id: 'c0', der: rootDer },
  ].map((c) => ({ ...c, subject: subjectDer(c.der).toString('base64'), der: c.der.toString('base64') }));
  execFileSync(process.execPath, ['-e', WRITE_CERTS], {
    env, cwd: resolve(__dirname, '..', '..'), input: JSON.stringify({ module: SOFTHSM_MODULE, tokenLabel, pin, certs }), stdio: ['pipe', 'ignore', 'pipe'],
  });
  return {
    confPath,
    tokenLabel,
    slotId,
    pin,
    rsa: { label: 'rsa-signer', id: 'a1', certificateDer: signer.certificateDer },
    ec: { label: 'ec-signer', id: 'e1', certificateDer: ecDer },
    rootDer,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Points the process's real environment (the one SoftHSM's getenv sees) at `token`'s config. A
 * worker started with SHARE_ENV writes through to the OS environment, which jest's sandboxed
 * process.env does not.
 */
export async function useSoftHsmConfig(token: SoftHsmToken): Promise<void> {
  const worker = new Worker('process.env.SOFTHSM2_CONF = require("worker_threads").workerData;', { eval: true, env: SHARE_ENV, workerData: token.confPath });
  await new Promise<void>((done, fail) => {
    worker.once('error', fail);
    worker.once('exit', (code) => (code === 0 ? done() : fail(new Error(`setting SOFTHSM2_CONF exited with ${code}`))));
  });
  process.env.SOFTHSM2_CONF = token.confPath;
}
