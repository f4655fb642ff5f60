/**
 * The organisation's PAdES signature over the rendered receipt (issue 6 item 3: "the organisation
 * signs, not a person"; Circular 32/2025 sample 6 "Tổ chức thu tiền (Chữ ký số)"). Applied last,
 * after the XML is embedded, so the associated file is covered (domain notes §6).
 */
import type { KeyHandle } from '../keys/key-handle';
import { signPdf } from '../signing/sign-pdf';

/** Signs the receipt PDF with PAdES B-B (ETSI.CAdES.detached), invisible signature field. */
export async function signReceiptPdf(pdf: Uint8Array, key: KeyHandle, signingTime: Date): Promise<Buffer> {
  const signed = await signPdf(pdf, key, {
    signingTime,
    fieldName: 'ToChucThuTien',
    reason: 'Biên lai thu phí, lệ phí điện tử',
  });
  return signed.bytes;
}
