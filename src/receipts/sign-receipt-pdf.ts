/**
 * The organisation's PAdES signature over the rendered receipt (issue 6 item 3: "the organisation
 * signs, not a person"; Circular 32/2025 sample 6 "Tổ chức thu tiền (Chữ ký số)"). Applied last,
 * after the XML is embedded, so the associated file is covered (domain notes §6).
 */
import type { KeyHandle } from '../keys/key-handle';
import { signPdf } from '../signing/sign-pdf';

/** The invisible signature field of a receipt ("the collecting organisation"). */
export const RECEIPT_SIGNATURE_FIELD = 'ToChucThuTien';
/** The /Reason of a receipt's signature. */
export const RECEIPT_SIGNATURE_REASON = 'Biên lai thu phí, lệ phí điện tử';

/**
 * Signs the receipt PDF with PAdES B-B (ETSI.CAdES.detached), invisible signature field. The
 * cached-font template signs as it renders (receipt-pades.ts); this is for the pdf-lib fallback.
 */
export async function signReceiptPdf(pdf: Uint8Array, key: KeyHandle, signingTime: Date): Promise<Buffer> {
  const signed = await signPdf(pdf, key, {
    signingTime,
    fieldName: RECEIPT_SIGNATURE_FIELD,
    reason: RECEIPT_SIGNATURE_REASON,
  });
  return signed.bytes;
}
