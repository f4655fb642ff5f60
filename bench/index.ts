/**
 * `npm run bench`: every benchmark prints one JSON object per line. The physical limits (raw
 * node:crypto RSA-2048 signatures per second, raw SHA-256 MB/s, one core) are measured first, in
 * the same run, so that results read as ratios.
 */
import { measureRawRsa2048, measureRawSha256, report } from './harness';
import { benchSign } from './sign';
import { benchCitizenPage } from './citizen-page';
import { benchVerify } from './verify';
import { benchSignVisible } from './sign-visible';
import { benchReceipts } from './receipts';
import { benchExchange } from './exchange';

async function main(): Promise<void> {
  const only = process.argv[2];
  const rsa = await measureRawRsa2048();
  report({ bench: 'limit.rsa2048-sign', value: rsa.perSecond, unit: 'signatures/s' });
  const sha = await measureRawSha256();
  report({ bench: 'limit.sha256', value: sha, unit: 'MB/s' });
  const limits = { rsaPerSecond: rsa.perSecond, sha256MBps: sha };
  const suites: Record<string, (l: typeof limits) => Promise<void>> = { sign: benchSign, 'citizen-page': benchCitizenPage, verify: benchVerify, 'sign-visible': benchSignVisible, receipts: benchReceipts, exchange: benchExchange };
  for (const [name, run] of Object.entries(suites)) {
    if (!only || only === name) await run(limits);
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
