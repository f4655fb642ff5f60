/**
 * Canonical JSON for hashing: object keys sorted by code point at every level, no whitespace,
 * `undefined` members dropped (as JSON.stringify does). The same value read back from jsonb
 * (which reorders keys) canonicalises to the same string, so the audit chain survives a
 * round trip through the database.
 */

/** Serialises `value` canonically. Dates become their ISO string. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}
