/**
 * Interop tests judge our output with tools nobody here wrote. Locally a missing tool skips the
 * test with the install command; in CI (CI=true or KYSO_REQUIRE_INTEROP=1) a missing tool fails.
 */
import { execFileSync } from 'node:child_process';

const cache = new Map<string, boolean>();

/** True when `tool` is on PATH. Throws in CI when it is not; warns once locally. */
export function requireTool(tool: string, debianPackage: string): boolean {
  let found = cache.get(tool);
  if (found === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      found = true;
    } catch {
      found = false;
    }
    cache.set(tool, found);
    if (!found && !isInteropRequired()) {
      process.stderr.write(`skipping ${tool} checks: install with 'apt-get install ${debianPackage}'\n`);
    }
  }
  if (!found && isInteropRequired()) {
    throw new Error(`${tool} is required in CI: apt-get install ${debianPackage}`);
  }
  return found;
}

/** CI (or an explicit flag) requires interop tools instead of skipping. */
export function isInteropRequired(): boolean {
  return process.env.CI === 'true' || process.env.KYSO_REQUIRE_INTEROP === '1';
}
