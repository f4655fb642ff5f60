/**
 * The total of a receipt in Vietnamese words, as printed under "Số tiền" ("Viết bằng chữ") and
 * written into `TgTTTBChu` (domain notes §2.7, §3).
 */
import { ReadingConfig, doReadNumber } from 'read-vietnamese-number';
import { AppError } from '../errors';

/** QĐ 1450/1271 invoice model: `TgTTTBChu` holds at most 255 characters. */
export const AMOUNT_IN_WORDS_MAX_LENGTH = 255;

/**
 * The reading configuration used for receipts (§3.2 recommended wrapper):
 * - unit "đồng" (the library's default is "đơn vị");
 * - "linh" for a zero tens digit (Northern, the standard in writing; the default is "lẻ");
 * - "tỷ" rather than the library's "tỉ";
 * - "bốn" rather than "tư" for a final 4 after mươi: §3.1 says "bốn" is always correct while
 *   "tư" is an optional regional form, and a legal document should not vary by region.
 */
function receiptReadingConfig(): ReadingConfig {
  const config = new ReadingConfig();
  config.unit = ['đồng'];
  config.oddText = 'linh';
  config.fourToneText = 'bốn';
  config.units = [[], ['nghìn'], ['triệu'], ['tỷ']];
  return config;
}

const config = receiptReadingConfig();

/**
 * Reads a whole-đồng amount in Vietnamese words, first letter capitalised, ending in "đồng"
 * (§3.1: "Receipts and invoices: capitalise the first letter and append đồng").
 * 120000 → "Một trăm hai mươi nghìn đồng".
 *
 * @throws AppError RECEIPT_INVALID when the amount is negative, not an integer, or its reading
 *   exceeds the 255 characters of `TgTTTBChu`.
 */
export function amountInWords(amount: number | bigint): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) {
    throw new AppError('RECEIPT_INVALID', 'An amount in đồng must be a whole number.', { amount });
  }
  const value = BigInt(amount);
  if (value < 0n) {
    throw new AppError('RECEIPT_INVALID', 'An amount in đồng cannot be negative.', {
      amount: value.toString(),
    });
  }
  const words = doReadNumber(value, config);
  const text = words.charAt(0).toLocaleUpperCase('vi') + words.slice(1);
  if (text.length > AMOUNT_IN_WORDS_MAX_LENGTH) {
    throw new AppError(
      'RECEIPT_INVALID',
      `The amount in words must fit in ${AMOUNT_IN_WORDS_MAX_LENGTH} characters (TgTTTBChu).`,
      { amount: value.toString() },
    );
  }
  return text;
}
