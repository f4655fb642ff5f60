/**
 * Issue 2 benchmarks: sign a one-page PDF in-process (B-B, invisible) against the raw RSA-2048
 * rate; sign a 10 MB, 200-page PDF against the raw SHA-256 rate; peak RSS while signing 100 MB
 * (a child process, so the figure is that signing's alone).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDevPki } from '../src/pki/generate-dev-pki';
import { DEV_PKI_SPEC } from '../src/pki/dev-pki-spec';
import { openPkcs12 } from '../src/keys/open-pkcs12';
import { signPdf } from '../src/signing/sign-pdf';
import { makeLargePdf } from './make-large-pdf';
import { opsPerSecond, report } from './harness';

const ROOT = path.resolve(__dirname, '..');

/**
 * Rates of `fn` and of a raw node:crypto RSA-2048 signature measured in alternating slices, so
 * that both see the same machine load (on a shared, noisy machine a limit measured seconds
 * earlier can be off by half in either direction).
 */
async function pairedWithRawRsa(fn: () => unknown, rounds = 8, sliceMs = 300): Promise<{ perSecond: number; rsaPerSecond: number }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(100, 7);
  const slice = async (f: () => unknown): Promise<[number, number]> => {
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(sliceMs) * 1_000_000n;
    let n = 0;
    let now = start;
    while (now < deadline) {
      await f();
      n++;
      now = process.hrtime.bigint();
    }
    return [n, Number(now - start) / 1e9];
  };
  const raw = (): Buffer => rsaSign('sha256', data, privateKey);
  await slice(fn);
  await slice(raw);
  let fnOps = 0, fnSeconds = 0, rsaOps = 0, rsaSeconds = 0;
  for (let r = 0; r < rounds; r++) {
    const [a, b] = await slice(fn);
    const [c, d] = await slice(raw);
    fnOps += a;
    fnSeconds += b;
    rsaOps += c;
    rsaSeconds += d;
  }
  return { perSecond: fnOps / fnSeconds, rsaPerSecond: rsaOps / rsaSeconds };
}

/** Runs the signing benchmarks given the physical limits measured by the caller. */
export async function benchSign(limits: { rsaPerSecond: number; sha256MBps: number }): Promise<void> {
  const pki = generateDevPki({ ...DEV_PKI_SPEC, identities: DEV_PKI_SPEC.identities.filter((i) => ['dev-root-ca', 'dev-gov-ca', 'org-can-giuoc'].includes(i.alias)).map((i) => ({ ...i, key: { kind: 'rsa', bits: 2048 } as const })) }, new Date());
  const id = pki.get('org-can-giuoc');
  const key = openPkcs12(id.pkcs12, id.passphrase, id.alias);

  const onePage = readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf'));
  const paired = await pairedWithRawRsa(() => signPdf(onePage, key));
  report({
    bench: 'sign.one-page',
    value: paired.perSecond,
    unit: 'docs/s',
    limit: paired.rsaPerSecond,
    ratio: paired.perSecond / paired.rsaPerSecond,
    target_ratio: 0.25,
    limit_measured_at_start: limits.rsaPerSecond,
  });

  const tenMb = makeLargePdf(200, 50_000);
  const docsPerSecond = await opsPerSecond(() => signPdf(tenMb, key), 4000, 2);
  const mbps = (docsPerSecond * tenMb.length) / (1024 * 1024);
  report({ bench: 'sign.10mb-200-pages', value: mbps, unit: 'MB/s', limit: limits.sha256MBps, ratio: mbps / limits.sha256MBps, target_ratio: 0.4, bytes: tenMb.length });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-bench-'));
  let maxRssBytes: number;
  let size: number;
  try {
    const big = path.join(dir, 'big.pdf');
    writeFileSync(big, makeLargePdf(1000, 100_000));
    size = statSync(big).size;
    const p12 = path.join(dir, 'key.p12');
    writeFileSync(p12, id.pkcs12);
    const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(__dirname, 'sign-rss-child.ts'), big, p12, id.passphrase], { encoding: 'utf8' });
    maxRssBytes = Number(JSON.parse(out.trim()).maxRssBytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report({ bench: 'sign.100mb-peak-rss', value: maxRssBytes / (1024 * 1024), unit: 'MiB', limit: size / (1024 * 1024), ratio: maxRssBytes / size, target_ratio_max: 3 });
}
