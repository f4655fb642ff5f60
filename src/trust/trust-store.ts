/**
 * The set of trust anchors a verification trusts, parsed once and indexed by subject so that chain
 * building is a map lookup (issue 3, Performance: "cache parsed trust anchors"). Built from a
 * {@link TrustAnchorSource}; immutable once built.
 */
import { AppError } from '../errors';
import { parseCertificate, ParsedCertificate } from '../cms/parse-certificate';

/** Where trust anchors come from (a directory, a database, a bundled list). */
export interface TrustAnchorSource {
  /** DER certificates of every anchor. */
  loadAnchors(): Promise<Buffer[]>;
}

let nextId = 1;

/** Parsed, indexed trust anchors. */
export class TrustStore {
  /** Distinguishes stores in caches keyed by anchor set. */
  readonly id = nextId++;
  readonly anchors: readonly ParsedCertificate[];
  private readonly bySubject = new Map<string, ParsedCertificate[]>();
  private readonly bySha256 = new Set<string>();

  constructor(ders: readonly Buffer[]) {
    this.anchors = ders.map((d) => parseCertificate(d));
    for (const a of this.anchors) {
      const key = a.subjectDer.toString('hex');
      this.bySubject.set(key, [...(this.bySubject.get(key) ?? []), a]);
      this.bySha256.add(a.sha256);
    }
  }

  /** True when this exact certificate is an anchor. */
  isAnchor(cert: ParsedCertificate): boolean {
    return this.bySha256.has(cert.sha256);
  }

  /** Anchors whose subject is the issuer of `cert`. */
  anchorsNamed(issuerDer: Buffer): readonly ParsedCertificate[] {
    return this.bySubject.get(issuerDer.toString('hex')) ?? [];
  }
}

/** Loads and parses the anchors of a source. Throws CONFIG_INVALID when an anchor is unreadable. */
export async function loadTrustStore(source: TrustAnchorSource): Promise<TrustStore> {
  const ders = await source.loadAnchors();
  try {
    return new TrustStore(ders);
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `A trust anchor could not be read: ${(e as Error).message}`);
  }
}

/** A source over certificates already in memory (tests, bundled roots). */
export function staticTrustAnchorSource(ders: readonly Buffer[]): TrustAnchorSource {
  return { loadAnchors: async () => [...ders] };
}

/** Every certificate in PEM text (one or many blocks) or a single DER certificate. */
export function certificatesFromBytes(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return bytes[0] === 0x30 ? [bytes] : [];
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  return out;
}
