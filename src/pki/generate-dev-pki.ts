/**
 * Generates the development PKI from its spec: keys with node:crypto (fast), certificates signed
 * with node-forge, CRLs by hand DER (forge cannot make them), PKCS#12 files with node-forge
 * (AES-256-CBC with PBKDF2-HMAC-SHA256 for the key, certificates unencrypted, HMAC-SHA1 MAC: forge
 * has no other MAC). Pure: no fs, the caller decides where the bytes go. NOT for production.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { buildCrl } from '../cms/build-crl';
import { signWithKey } from '../cms/der-algorithms';
import { AppError } from '../errors';
import { certExtensionsFor } from './cert-profile';
import { keyIdentifier } from './cert-extensions';
import type { DevPkiSpec, DevRole, IdentitySpec, NameAttribute } from './dev-pki-spec';

/** One generated identity. */
export interface DevIdentity {
  alias: string;
  role: DevRole;
  agencyCode?: string;
  /** Subject in RFC 4514 order (most specific first), for people and index.json. */
  subject: string;
  certificatePem: string;
  certificateDer: Buffer;
  /** Issuer certificates DER, nearest first. */
  chain: Buffer[];
  /** PKCS#8 PEM, unencrypted: for tests and trust services; never written by the writer. */
  privateKeyPem: string;
  privateKey: KeyObject;
  keyId: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  status: 'good' | 'revoked' | 'expired';
  revokedAt?: Date;
  /** Password-protected PKCS#12 (key + certificate + chain); empty when not requested. */
  pkcs12: Buffer;
  passphrase: string;
}

/** A CRL issued by one CA. */
export interface DevCrl {
  issuerAlias: string;
  der: Buffer;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** The generated PKI. */
export interface DevPki {
  generatedAt: Date;
  identities: DevIdentity[];
  crls: DevCrl[];
  /** The identity with `alias`; throws KEY_NOT_FOUND when there is none. */
  get(alias: string): DevIdentity;
}

/** Options of {@link generateDevPki}. */
export interface GenerateOptions {
  /** Make PKCS#12 files (pure-JS PBKDF2 in forge, ~tens of ms each). @defaultValue true */
  pkcs12?: boolean;
  /** PBKDF2 and MAC iteration count. @defaultValue 2048 (the OpenSSL 3 default) */
  iterations?: number;
}

const DAY = 86_400_000;
const ATTR_OID: Record<NameAttribute['type'], string> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  T: '2.5.4.12',
  UID: '0.9.2342.19200300.100.1.1',
};

function forgeName(attrs: NameAttribute[]): forge.pki.CertificateField[] {
  return attrs.map((a) => ({
    type: ATTR_OID[a.type],
    value: a.value,
    // C is PrintableString (RFC 5280 Appendix A); everything else UTF8String for Vietnamese text.
    valueTagClass: (a.type === 'C' ? forge.asn1.Type.PRINTABLESTRING : forge.asn1.Type.UTF8) as unknown as forge.asn1.Class,
  }));
}

/** RFC 4514-style display, most specific attribute first. */
export function formatSubject(attrs: NameAttribute[]): string {
  return [...attrs]
    .reverse()
    .map((a) => `${a.type}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}

function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10; // positive, 16 bytes, never a leading zero
  return bytes.toString('hex');
}

/**
 * What forge's `cert.sign` does, with the RSA operation done by node:crypto (forge's pure-JS RSA
 * costs ~0.3 s per certificate; private-key operations belong to node:crypto anyway).
 */
function signWithNodeCrypto(cert: forge.pki.Certificate, issuerKey: KeyObject): void {
  const oid = forge.pki.oids['sha256WithRSAEncryption']!;
  const c = cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1; siginfo: { algorithmOid: string } };
  c.signatureOid = oid;
  c.siginfo.algorithmOid = oid;
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  c.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(c.tbsCertificate).getBytes(), 'binary');
  c.signature = signWithKey(issuerKey, 'rsa-pkcs1', 'sha256', tbs).toString('binary');
}

interface Issued {
  spec: IdentitySpec;
  identity: DevIdentity;
  forgeKey: forge.pki.rsa.PrivateKey;
  forgeCert: forge.pki.Certificate;
}

function issue(spec: IdentitySpec, pkiSpec: DevPkiSpec, issuer: Issued | undefined, now: Date): Issued {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: spec.key.bits });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = randomSerialHex();
  const notBefore = new Date(Math.floor((now.getTime() + spec.notBeforeDays * DAY) / 1000) * 1000);
  const notAfter = new Date(Math.floor((now.getTime() + spec.notAfterDays * DAY) / 1000) * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(forgeName(spec.subject));
  cert.setIssuer(issuer ? issuer.forgeCert.subject.attributes : forgeName(spec.subject));
  const keyId = keyIdentifier(publicKey);
  const issuerKeyId = issuer ? issuer.identity.keyId : keyId;
  const extensions = certExtensionsFor(spec, pkiSpec.publicBaseUrl, keyId, issuerKeyId);
  cert.setExtensions(
    extensions.map((e) => ({ id: e.id, critical: e.critical, value: e.value.toString('binary') })),
  );
  signWithNodeCrypto(cert, issuer ? issuer.identity.privateKey : privateKey);
  const certificateDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const chain = issuer ? [issuer.identity.certificateDer, ...issuer.identity.chain] : [];
  const revokedAt = spec.revokedDaysAgo === undefined ? undefined : new Date(now.getTime() - spec.revokedDaysAgo * DAY);
  const status = revokedAt ? 'revoked' : notAfter.getTime() < now.getTime() ? 'expired' : 'good';
  const identity: DevIdentity = {
    alias: spec.alias,
    role: spec.role,
    ...(spec.agencyCode ? { agencyCode: spec.agencyCode } : {}),
    subject: formatSubject(spec.subject),
    certificatePem: forge.pki.certificateToPem(cert),
    certificateDer,
    chain,
    privateKeyPem,
    privateKey: createPrivateKey(privateKeyPem),
    keyId,
    serialHex: cert.serialNumber,
    notBefore,
    notAfter,
    status,
    ...(revokedAt ? { revokedAt } : {}),
    pkcs12: Buffer.alloc(0),
    passphrase: spec.passphrase,
  };
  return { spec, identity, forgeKey, forgeCert: cert };
}

function makePkcs12(issued: Issued, all: Map<string, Issued>, iterations: number): Buffer {
  const certs = [issued.forgeCert];
  let parent = issued.spec.issuer;
  while (parent) {
    const p = all.get(parent)!;
    certs.push(p.forgeCert);
    parent = p.spec.issuer;
  }
  const asn1 = forge.pkcs12.toPkcs12Asn1(issued.forgeKey, certs, issued.spec.passphrase, {
    algorithm: 'aes256',
    count: iterations,
    friendlyName: issued.spec.alias,
    prfAlgorithm: 'sha256',
  } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/**
 * Generates every identity of `spec` with dates relative to `now`, and one CRL per CA (the
 * revoked identities listed on their issuer's CRL).
 */
export function generateDevPki(spec: DevPkiSpec, now: Date, options: GenerateOptions = {}): DevPki {
  const all = new Map<string, Issued>();
  for (const idSpec of spec.identities) {
    if (all.has(idSpec.alias)) throw new AppError('CONFIG_INVALID', `Duplicate alias ${idSpec.alias} in the PKI spec`);
    const issuer = idSpec.issuer ? all.get(idSpec.issuer) : undefined;
    if (idSpec.issuer && !issuer) {
      throw new AppError('CONFIG_INVALID', `Issuer ${idSpec.issuer} of ${idSpec.alias} must be declared before it`);
    }
    all.set(idSpec.alias, issue(idSpec, spec, issuer, now));
  }
  if (options.pkcs12 ?? true) {
    for (const issued of all.values()) issued.identity.pkcs12 = makePkcs12(issued, all, options.iterations ?? 2048);
  }
  const identities = [...all.values()].map((i) => i.identity);
  const crls: DevCrl[] = [];
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const nextUpdate = new Date(thisUpdate.getTime() + spec.crlValidityDays * DAY);
  for (const ca of identities.filter((i) => i.role === 'root-ca' || i.role === 'sub-ca')) {
    const revoked = [...all.values()]
      .filter((i) => i.spec.issuer === ca.alias && i.identity.revokedAt)
      .map((i) => ({ serialHex: i.identity.serialHex, revokedAt: i.identity.revokedAt!, reason: 'keyCompromise' as const }));
    const der = buildCrl({
      issuerCertificate: ca.certificateDer,
      issuerKey: ca.privateKey,
      issuerKeyId: ca.keyId,
      thisUpdate,
      nextUpdate,
      crlNumber: Math.floor(now.getTime() / 1000),
      revoked,
    });
    crls.push({ issuerAlias: ca.alias, der, thisUpdate, nextUpdate });
  }
  return {
    generatedAt: now,
    identities,
    crls,
    get(alias: string): DevIdentity {
      const found = all.get(alias);
      if (!found) throw new AppError('KEY_NOT_FOUND', `No identity ${alias} in the development PKI`);
      return found.identity;
    },
  };
}

/** The public key of an identity, for checks. */
export function publicKeyOf(identity: DevIdentity): KeyObject {
  return createPublicKey(identity.privateKey);
}
