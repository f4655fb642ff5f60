/**
 * `kyso dev-certs [--out DIR]`: regenerates the development PKI (NOT for production) from
 * src/pki/dev-pki-spec.ts into DIR (default certs-dev).
 */
import { toAppError } from '../../errors';
import { DEV_PKI_SPEC } from '../../pki/dev-pki-spec';
import { generateDevPki } from '../../pki/generate-dev-pki';
import { writeDevPki } from '../../pki/write-dev-pki';
import type { CliIo } from '../io';


const USAGE = 'usage: kyso dev-certs [--out DIR]\n';

/** Runs the command; returns the exit code. */
export async function run(args: string[], io: CliIo): Promise<number> {
  let outDir = 'certs-dev';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--out' && args[i + 1]) {
      outDir = args[++i]!;
    } else if (arg.startsWith('--out=')) {
      outDir = arg.slice('--out='.length);
    } else if (arg === '--help' || arg === '-h') {
      io.stdout(USAGE);
      return 0;
    } else {
      io.stderr(`kyso dev-certs: unknown argument ${arg}\n${USAGE}`);
      return 2;
    }
  }
  try {
    const pki = generateDevPki(DEV_PKI_SPEC, new Date());
    const written = writeDevPki(pki, outDir);
    io.stdout(`wrote ${written.length} files of the development PKI (NOT for production) to ${outDir}\n`);
    return 0;
  } catch (e) {
    const err = toAppError(e);
    io.stderr(`kyso dev-certs: ${err.code}: ${err.message}\n`);
    return 1;
  }
}
