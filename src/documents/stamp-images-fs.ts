/**
 * Adapter: the images a server draws for a key, read from disk once and kept (they change only
 * when an operator replaces them). `${dir}/${alias}.signature.png` and `${dir}/${alias}.seal.png`
 * beside the key configuration; when absent, the fallback directory's samples (development:
 * samples/chu-ky-ca-nhan.png and samples/con-dau-do.png).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StampImages } from './sign-request';

async function readOptional(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

/** Images per key alias from `dir`, else from `fallbackDir`'s sample files (when given). */
export function stampImagesFromDirectory(dir: string, fallbackDir?: string): (alias: string) => Promise<StampImages> {
  const cache = new Map<string, Promise<StampImages>>();
  return (alias) => {
    let hit = cache.get(alias);
    if (!hit) {
      const safe = alias.replace(/[^\w.-]/g, '_');
      hit = (async () => ({
        signature: (await readOptional(path.join(dir, `${safe}.signature.png`))) ??
          (fallbackDir ? await readOptional(path.join(fallbackDir, 'chu-ky-ca-nhan.png')) : undefined),
        seal: (await readOptional(path.join(dir, `${safe}.seal.png`))) ??
          (fallbackDir ? await readOptional(path.join(fallbackDir, 'con-dau-do.png')) : undefined),
      }))();
      cache.set(alias, hit);
    }
    return hit;
  };
}
