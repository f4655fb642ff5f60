/**
 * Child process of the RSS benchmark: signs one file and prints its own peak RSS. The signed file
 * is written as its parts (the input, then the appended update), never joined in memory.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { openPkcs12 } from '../src/keys/open-pkcs12';
import { signPdf } from '../src/signing/sign-pdf';

function writeParts(file: string, parts: readonly Buffer[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.length; ) done += writeSync(fd, part, done, part.length - done);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Peak RSS of this process's own address space: VmHWM from /proc (Linux). getrusage's maxRSS is
 * not used when /proc is there because Linux folds into it the RSS the forked process inherited
 * from the parent before exec, so a parent holding large buffers would inflate the figure.
 */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const [file, p12, pass] = process.argv.slice(2);
  const key = openPkcs12(readFileSync(p12), pass, 'bench');
  const signed = await signPdf(readFileSync(file), key);
  writeParts(`${file}.signed.pdf`, signed.parts);
  process.stdout.write(`${JSON.stringify({ maxRssBytes: peakRssBytes(), getrusageMaxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
