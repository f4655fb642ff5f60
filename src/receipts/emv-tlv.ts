/**
 * EMVCo Merchant-Presented Mode TLV (the encoding of VietQR, domain notes §4.1): each field is a
 * 2-digit ID, a 2-digit length and a value of 1..99 characters; templates nest the same encoding;
 * the payload ends with tag 63, a CRC-16/CCITT-FALSE over everything before its value.
 */
import { AppError } from '../errors';

/** One TLV field. A template's value is its sub-fields, kept in payload order. */
export interface TlvField {
  tag: string;
  value: string | TlvField[];
}

/**
 * CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR (§4.2), over the
 * UTF-8 bytes of `text`; 4 uppercase hex digits. Check value: "123456789" → "29B1".
 */
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Encodes fields in the given order. Empty values are omitted (QĐ 1271 Part I.IV.7). */
export function encodeTlv(fields: readonly TlvField[]): string {
  let out = '';
  for (const field of fields) {
    if (!/^\d{2}$/.test(field.tag)) {
      throw new AppError('VALIDATION_FAILED', `A TLV tag is two digits, not "${field.tag}".`);
    }
    const value = typeof field.value === 'string' ? field.value : encodeTlv(field.value);
    const length = [...value].length;
    if (length === 0) continue;
    if (length > 99) {
      throw new AppError('VALIDATION_FAILED', `TLV field ${field.tag} exceeds 99 characters.`, {
        tag: field.tag,
        length,
      });
    }
    out += field.tag + String(length).padStart(2, '0') + value;
  }
  return out;
}

/**
 * Decodes one level of TLV. `templates` lists the tags whose values are themselves TLV (they are
 * decoded one level further). Lengths count characters, as EMVCo does.
 */
export function decodeTlv(text: string, templates: ReadonlySet<string> = new Set()): TlvField[] {
  const chars = [...text];
  const fields: TlvField[] = [];
  let at = 0;
  while (at < chars.length) {
    const head = chars.slice(at, at + 4).join('');
    if (!/^\d{4}$/.test(head)) {
      throw new AppError('VALIDATION_FAILED', `Malformed TLV at character ${at}: "${head}".`);
    }
    const tag = head.slice(0, 2);
    const length = Number(head.slice(2));
    const value = chars.slice(at + 4, at + 4 + length).join('');
    if (length === 0 || [...value].length !== length) {
      throw new AppError('VALIDATION_FAILED', `TLV field ${tag} is truncated or empty.`, { at });
    }
    fields.push({ tag, value: templates.has(tag) ? decodeTlv(value) : value });
    at += 4 + length;
  }
  return fields;
}

/** Appends tag 63 with the CRC computed over the payload including the characters "6304". */
export function appendCrc(payloadWithoutCrc: string): string {
  const head = `${payloadWithoutCrc}6304`;
  return head + crc16CcittFalse(head);
}

/** True when the payload ends with a tag 63 whose CRC matches the rest. */
export function hasValidCrc(payload: string): boolean {
  if (payload.length < 8 || payload.slice(-8, -4) !== '6304') return false;
  return crc16CcittFalse(payload.slice(0, -4)) === payload.slice(-4).toUpperCase();
}
