/**
 * Issue 3 benchmarks: verify a one-page PDF carrying two signatures (target 1,000 docs/s on one
 * core; pdfsig manages about 95/s) and a signed 10 MB PDF (target 40% of the raw SHA-256 rate
 * measured in the same run). Inputs are signed by the project's real signer (signPdf) with a small
 * RSA-2048 development PKI; every verification must come out VALID or the bench fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEV_PKI_SPEC } from '../src/pki/dev-pki-spec';
import { generateDevPki } from '../src/pki/generate-dev-pki';
import { openPkcs12 } from '../src/keys/open-pkcs12';
import { signPdf } from '../src/signing/sign-pdf';
import { createVerificationContext, TrustStore, verifyPdf } from '../src/verification';
import type { VerificationContext } from '../src/trust/verification-context';
import { makeLargePdf } from './make-large-pdf';
import { opsPerSecond, report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const ALIASES = ['dev-root-ca', 'dev-gov-ca', 'can-giuoc-chu-tich', 'can-giuoc-van-thu'];

/** The signed inputs and the context that trusts their root. */
export async function makeVerifyInputs(): Promise<{ twoSignatures: Buffer; tenMb: Buffer; context: VerificationContext }> {
  const spec = {
    ...DEV_PKI_SPEC,
    identities: DEV_PKI_SPEC.identities
      .filter((i) => ALIASES.includes(i.alias))
      .map((i) => ({ ...i, key: { kind: 'rsa', bits: 2048 } as const })),
  };
  const pki = generateDevPki(spec, new Date());
  const key = (alias: string) => {
    const id = pki.get(alias);
    return openPkcs12(id.pkcs12, id.passphrase, id.alias);
  };
  const first = key('can-giuoc-chu-tich');
  const second = key('can-giuoc-van-thu');
  const onePage = readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf'));
  const once = await signPdf(onePage, first, { fieldName: 'ChuTich' });
  const twice = await signPdf(once.bytes, second, { fieldName: 'VanThu' });
  const large = await signPdf(makeLargePdf(200, 50_000), first);
  const context = createVerificationContext({ trustStore: new TrustStore([pki.get('dev-root-ca').certificateDer]) });
  return { twoSignatures: twice.bytes, tenMb: large.bytes, context };
}

/**
 * CPU time (user + system, this process) per operation: on a shared machine the wall-clock rate
 * also counts time the core spent on other processes; this is what one core costs per document.
 */
async function cpuMsPerOp(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

async function verifyValid(bytes: Buffer, context: VerificationContext): Promise<void> {
  const r = await verifyPdf(bytes, context);
  if (r.verdict !== 'VALID') throw new Error(`bench input verified ${r.verdict}: ${JSON.stringify(r.problems)}`);
}

/** Runs the verification benchmarks given the physical limits measured by the caller. */
export async function benchVerify(limits: { rsaPerSecond: number; sha256MBps: number }): Promise<void> {
  const { twoSignatures, tenMb, context } = await makeVerifyInputs();
  const perSecond = await opsPerSecond(() => verifyValid(twoSignatures, context), 3000);
  const cpuMs = await cpuMsPerOp(() => verifyValid(twoSignatures, context), 500);
  report({
    bench: 'verify.one-page-two-signatures', value: perSecond, unit: 'docs/s', target: 1000, bytes: twoSignatures.length,
    cpu_ms_per_doc: cpuMs, docs_per_cpu_second: 1000 / cpuMs,
  });

  const docsPerSecond = await opsPerSecond(() => verifyValid(tenMb, context), 4000, 2);
  const mbps = (docsPerSecond * tenMb.length) / (1024 * 1024);
  report({ bench: 'verify.10mb', value: mbps, unit: 'MB/s', limit: limits.sha256MBps, ratio: mbps / limits.sha256MBps, target_ratio: 0.4, bytes: tenMb.length });
}
