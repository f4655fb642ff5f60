/**
 * Adapter: writes a generated development PKI to a directory (certs-dev/ by default): one
 * password-protected PKCS#12 and one PEM certificate per identity, root.crt, one DER CRL per CA,
 * index.json (the machine-readable list the key store and the tests read) and a README that says
 * NOT for production. Each file is written to a temporary name and renamed, so a failed run
 * leaves no half-written file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevPki } from './generate-dev-pki';

/** One entry of certs-dev/index.json. */
export interface DevIndexEntry {
  alias: string;
  role: string;
  agencyCode: string | null;
  subject: string;
  /** PKCS#12 path relative to the index. */
  p12: string;
  /** PEM certificate path relative to the index. */
  cert: string;
  /** Development passphrase of the PKCS#12 (NOT for production). */
  passphrase: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  status: 'good' | 'revoked' | 'expired';
  revokedAt: string | null;
}

/** certs-dev/index.json. */
export interface DevIndex {
  notice: string;
  generatedAt: string;
  root: string;
  identities: DevIndexEntry[];
  crls: Array<{ issuer: string; file: string; thisUpdate: string; nextUpdate: string }>;
}

const NOTICE = 'Kyso development PKI. NOT for production: every private key and passphrase here is public.';

/** Builds index.json's content (pure, so tests can check it without a disk). */
export function buildDevIndex(pki: DevPki): DevIndex {
  const root = pki.identities.find((i) => i.role === 'root-ca');
  return {
    notice: NOTICE,
    generatedAt: pki.generatedAt.toISOString(),
    root: root ? 'root.crt' : '',
    identities: pki.identities.map((i) => ({
      alias: i.alias,
      role: i.role,
      agencyCode: i.agencyCode ?? null,
      subject: i.subject,
      p12: `${i.alias}.p12`,
      cert: `${i.alias}.crt`,
      passphrase: i.passphrase,
      serial: i.serialHex,
      notBefore: i.notBefore.toISOString(),
      notAfter: i.notAfter.toISOString(),
      status: i.status,
      revokedAt: i.revokedAt ? i.revokedAt.toISOString() : null,
    })),
    crls: pki.crls.map((c) => ({
      issuer: c.issuerAlias,
      file: `${c.issuerAlias}.crl`,
      thisUpdate: c.thisUpdate.toISOString(),
      nextUpdate: c.nextUpdate.toISOString(),
    })),
  };
}

/** README written next to the files. */
export function devPkiReadme(pki: DevPki): string {
  const rows = pki.identities
    .map((i) => `| \`${i.alias}\` | ${i.role} | ${i.agencyCode ?? ''} | ${i.status} | ${i.subject} |`)
    .join('\n');
  return `# certs-dev: development PKI (NOT for production)

Every private key and passphrase in this directory is public. Never trust \`root.crt\` outside
development and tests.

Generated ${pki.generatedAt.toISOString()} from the declarative spec in
\`src/pki/dev-pki-spec.ts\` by \`generateDevPki\` (\`src/pki/generate-dev-pki.ts\`). Regenerate with:

    npx kyso dev-certs            # writes ./certs-dev
    npx kyso dev-certs --out DIR  # somewhere else

Dates are relative to the generation time: CAs valid 10 years, signers 3 years; \`expired-signer\`
expired 30 days before generation; \`revoked-signer\` was revoked 30 days before generation and is
listed on \`dev-gov-ca.crl\`. Tests never read this directory: they build their own PKI with the
same generator (\`test/fixtures/pki/test-pki.ts\`).

Files: \`<alias>.p12\` (PKCS#12: key encrypted with AES-256-CBC, PBKDF2-HMAC-SHA256, 2048
iterations; certificates unencrypted; HMAC-SHA1 MAC, the only MAC node-forge writes),
\`<alias>.crt\` (PEM), \`root.crt\` (the trust anchor), \`<ca>.crl\` (DER CRL per CA),
\`index.json\` (alias, role, agencyCode, subject, p12, cert, passphrase, validity, status).
Agency codes have the QCVN 102 shape \`NNN.NN.NN.Xnn\`; they are illustrative, not official.
URLs in AIA and CRL distribution points point at \`http://localhost:3000/pki/...\`.

| alias | role | agency code | status | subject |
|---|---|---|---|---|
${rows}
`;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes the PKI into `outDir` (created if missing). Returns the paths written. */
export function writeDevPki(pki: DevPki, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array): void => {
    const path = join(outDir, name);
    writeAtomic(path, data);
    written.push(path);
  };
  for (const identity of pki.identities) {
    put(`${identity.alias}.crt`, identity.certificatePem);
    if (identity.pkcs12.length > 0) put(`${identity.alias}.p12`, identity.pkcs12);
    if (identity.role === 'root-ca') put('root.crt', identity.certificatePem);
  }
  for (const crl of pki.crls) put(`${crl.issuerAlias}.crl`, crl.der);
  put('index.json', `${JSON.stringify(buildDevIndex(pki), null, 2)}\n`);
  put('README.md', devPkiReadme(pki));
  return written;
}
