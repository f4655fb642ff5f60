/**
 * Writes the hostile fixtures (and the good files they derive from) to test/fixtures/hostile/,
 * named after their defect, with root.pem (the anchor they verify against) and index.json
 * (expected verdicts). Usage: node bin/run-ts.js scripts/make-hostile-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildHostileFixtures } from '../test/fixtures/hostile/build-hostile-fixtures';
import { getTestPki } from '../test/fixtures/pki/test-pki';

const dir = path.resolve(__dirname, '../test/fixtures/hostile');
mkdirSync(dir, { recursive: true });
async function main(): Promise<void> {
  const pki = getTestPki();
  const fixtures = await buildHostileFixtures(pki);
  for (const f of fixtures) writeFileSync(path.join(dir, f.name), f.bytes);
  writeFileSync(path.join(dir, 'root.pem'), pki.get('dev-root-ca').certificatePem);
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify(fixtures.map((f) => ({ file: f.name, expected: f.expected })), null, 1) + '\n');
  process.stdout.write(`wrote ${fixtures.length} fixtures to ${dir}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`make-hostile-fixtures failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
