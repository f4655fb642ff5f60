/**
 * X.501 Name rendering for reports (RFC 4514 order: most specific first). Vietnamese names come as
 * UTF8String or BMPString; both are decoded so that diacritics survive into the report.
 *
 *   Name ::= RDNSequence; RDNSequence ::= SEQUENCE OF SET OF AttributeTypeAndValue
 */
import { childrenOf, contentOf, DerNode, oidOf } from './parse-der';

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

/** Decodes a directory string value (UTF8, Printable, IA5, Teletex as latin1, BMP). */
export function directoryString(node: DerNode): string {
  const b = contentOf(node);
  if (node.tag === 0x1e) {
    const copy = Buffer.from(b.subarray(0, b.length & ~1));
    copy.swap16();
    return copy.toString('utf16le');
  }
  if (node.tag === 0x14) return b.toString('latin1');
  return b.toString('utf8');
}

function attributes(name: DerNode): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const rdn of childrenOf(name)) {
    for (const atv of childrenOf(rdn)) {
      const [type, value] = childrenOf(atv);
      out.push([oidOf(type), directoryString(value)]);
    }
  }
  return out;
}

/** "CN=…, O=…, C=VN" (RFC 4514 order). */
export function formatName(name: DerNode): string {
  return attributes(name)
    .reverse()
    .map(([oid, v]) => `${SHORT[oid] ?? oid}=${v.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}

/** The first value of the attribute `oid` in the name, or null. */
export function nameAttribute(name: DerNode, oid: string): string | null {
  const hit = attributes(name).find(([o]) => o === oid);
  return hit ? hit[1] : null;
}
