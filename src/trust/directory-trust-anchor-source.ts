/**
 * Adapter: trust anchors from a directory of .pem/.crt/.cer/.der files (issue 3 item 3, TRUST_DIR).
 * The only file in src/trust that touches the disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { certificatesFromBytes, TrustAnchorSource } from './trust-store';

const EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der']);

/** Reads every certificate file of `dir` (not recursive). */
export function directoryTrustAnchorSource(dir: string): TrustAnchorSource {
  return {
    async loadAnchors() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        throw new AppError('CONFIG_INVALID', `Trust directory ${dir} cannot be read`, undefined, { cause: e });
      }
      const out: Buffer[] = [];
      for (const name of names.sort()) {
        if (!EXTENSIONS.has(path.extname(name).toLowerCase())) continue;
        out.push(...certificatesFromBytes(await readFile(path.join(dir, name))));
      }
      return out;
    },
  };
}
