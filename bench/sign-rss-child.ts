/** Child process of the RSS benchmark: signs one file and prints its own peak RSS. */
import { readFileSync, writeFileSync } from 'node:fs';
import { openPkcs12 } from '../src/keys/open-pkcs12';
import { signPdf } from '../src/signing/sign-pdf';

async function main(): Promise<void> {
  const [file, p12, pass] = process.argv.slice(2);
  const key = openPkcs12(readFileSync(p12), pass, 'bench');
  const signed = await signPdf(readFileSync(file), key);
  writeFileSync(`${file}.signed.pdf`, signed.bytes);
  process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
