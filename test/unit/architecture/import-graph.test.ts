/**
 * The arrows of layout.md, checked on every test run: no import cycles in src/ (style §2.1), the
 * core imports no express, bullmq, ioredis, pg, kysely, PGlite, disk or network module (adapters
 * named below excepted), and only src/config.ts (and the CLI's io) reads
 * process.env.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
const CORE = ['pdf', 'cms', 'stamp', 'signing', 'verification', 'trust'];
const ADAPTER_PACKAGES = /^(express|bullmq|ioredis|pg|kysely|kysely-pglite-dialect|@electric-sql\/pglite|busboy|node:fs|fs|node:net|node:http|node:https)(\/|$)/;
/** Core files that are adapters by design (each says so in its header). */
const CORE_ADAPTERS = new Set(['trust/directory-trust-anchor-source.ts', 'trust/http-revocation-fetcher.ts', 'stamp/load-tinos-fonts.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const lazy = [...text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  return [...specs, ...lazy];
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('the import graph of src/', () => {
  test('When every static import is followed, then no module imports itself through a cycle', () => {
    const edges = new Map<string, string[]>();
    for (const [file, specs] of graph) {
      // Type-only imports vanish at run time and cannot form a loading cycle.
      const text = readFileSync(file, 'utf8');
      const runtime = specs.filter((s) => !new RegExp(`import\\s+type\\s[^'"]*['"]${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(text));
      edges.set(file, runtime.map((s) => resolveLocal(file, s)).filter((x): x is string => Boolean(x)));
    }
    const edgeCount = [...edges.values()].reduce((n, e) => n + e.length, 0);
    expect(edgeCount).toBeGreaterThan(files.length);
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const g of edges.get(f) ?? []) {
        if (state.get(g) === 'visiting') cycles.push(stack.slice(stack.indexOf(g)).concat(g).map((x) => path.relative(SRC, x)).join(' -> '));
        else if (!state.has(g)) visit(g);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  test('When a core module is read, then it imports no server, queue or database package', () => {
    const offenders: string[] = [];
    for (const [file, specs] of graph) {
      const rel = path.relative(SRC, file);
      if (!CORE.includes(rel.split(path.sep)[0]) || CORE_ADAPTERS.has(rel)) continue;
      for (const s of specs) if (ADAPTER_PACKAGES.test(s)) offenders.push(`${rel} imports ${s}`);
    }
    expect(offenders).toEqual([]);
  });

  test('When process.env is read, then it is only in config.ts and the CLI entry', () => {
    const readers = files
      .filter((f) => /process\.env/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
      .map((f) => path.relative(SRC, f));
    expect(readers).toContain('cli/io.ts');
    expect(readers.filter((f) => !['cli/io.ts', 'config.ts'].includes(f))).toEqual([]);
  });
});
