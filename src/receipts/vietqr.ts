/**
 * VietQR payment payloads (NAPAS profile of EMVCo MPM, domain notes §4): a transfer to the
 * collecting agency's account, with the amount and a transfer note carrying the dossier code.
 */
import { AppError } from '../errors';
import { type TlvField, appendCrc, decodeTlv, encodeTlv, hasValidCrc } from './emv-tlv';

/** NAPAS GUID under tag 38 (§4.2). */
export const NAPAS_GUID = 'A000000727';
/** Service codes: IBFT to an account or to a card (§4.2). */
export type VietQrService = 'QRIBFTTA' | 'QRIBFTTC';

/** The parts of a VietQR payload that kyso reads and writes. */
export interface VietQrPayment {
  /** Acquirer BIN, 6 digits (e.g. 970436 Vietcombank). */
  bin: string;
  /** Beneficiary account or card number. */
  account: string;
  /** @defaultValue 'QRIBFTTA' */
  service?: VietQrService;
  /** Whole đồng; when present the QR is dynamic (01 = 12) and apps lock the amount. */
  amount?: number;
  /** Tag 62.08, purpose of transaction (transfer note). */
  purpose?: string;
  /** Tag 62.01, bill number. */
  billNumber?: string;
  /** Tag 62.07, terminal label. */
  terminal?: string;
  /** Tag 59 / 60, optional for IBFT. */
  merchantName?: string;
  merchantCity?: string;
}

/** A decoded payload: the payment and the raw fields, in payload order. */
export interface DecodedVietQr extends VietQrPayment {
  isDynamic: boolean;
  fields: TlvField[];
}

const TEMPLATES = new Set(['38', '62']);

/**
 * Builds the payload: 00=01, 01=11|12, 38{00 GUID, 01{00 BIN, 01 account}, 02 service}, 53=704,
 * 54 amount, 58=VN, 59/60, 62{01 bill, 07 terminal, 08 purpose}, 63 CRC.
 */
export function buildVietQr(payment: VietQrPayment): string {
  if (!/^\d{6}$/.test(payment.bin)) {
    throw new AppError('VALIDATION_FAILED', 'A bank BIN is 6 digits.', { bin: payment.bin });
  }
  if (!/^[0-9A-Za-z]{1,19}$/.test(payment.account)) {
    throw new AppError('VALIDATION_FAILED', 'An account number is 1 to 19 letters or digits.');
  }
  if (payment.amount !== undefined && !(Number.isSafeInteger(payment.amount) && payment.amount > 0)) {
    throw new AppError('VALIDATION_FAILED', 'A VND amount is a positive whole number.');
  }
  for (const text of [payment.purpose, payment.billNumber, payment.terminal]) {
    if (text !== undefined && !/^[\x20-\x7e]{0,25}$/.test(text)) {
      throw new AppError('VALIDATION_FAILED', 'Additional data is ASCII, at most 25 characters.', {
        text,
      });
    }
  }
  const fields: TlvField[] = [
    { tag: '00', value: '01' },
    { tag: '01', value: payment.amount === undefined ? '11' : '12' },
    {
      tag: '38',
      value: [
        { tag: '00', value: NAPAS_GUID },
        { tag: '01', value: [{ tag: '00', value: payment.bin }, { tag: '01', value: payment.account }] },
        { tag: '02', value: payment.service ?? 'QRIBFTTA' },
      ],
    },
    { tag: '53', value: '704' },
    { tag: '54', value: payment.amount === undefined ? '' : String(payment.amount) },
    { tag: '58', value: 'VN' },
    { tag: '59', value: payment.merchantName ?? '' },
    { tag: '60', value: payment.merchantCity ?? '' },
    {
      tag: '62',
      value: [
        { tag: '01', value: payment.billNumber ?? '' },
        { tag: '07', value: payment.terminal ?? '' },
        { tag: '08', value: payment.purpose ?? '' },
      ],
    },
  ];
  return appendCrc(encodeTlv(fields));
}

/** Decodes a payload and checks its CRC; the fields re-encode to the same payload. */
export function parseVietQr(payload: string): DecodedVietQr {
  if (!hasValidCrc(payload)) {
    throw new AppError('VALIDATION_FAILED', 'The VietQR CRC (tag 63) does not match the payload.');
  }
  const fields = decodeTlv(payload.slice(0, -8), TEMPLATES);
  const top = (tag: string) => fields.find((f) => f.tag === tag)?.value;
  const napas = top('38');
  if (!Array.isArray(napas) || sub(napas, '00') !== NAPAS_GUID) {
    throw new AppError('VALIDATION_FAILED', 'Not a VietQR payload: tag 38 lacks the NAPAS GUID.');
  }
  const beneficiary = napas.find((f) => f.tag === '01')?.value;
  const account = typeof beneficiary === 'string' ? decodeTlv(beneficiary) : beneficiary;
  const extra = top('62');
  const extraFields = Array.isArray(extra) ? extra : [];
  const amount = top('54');
  return {
    bin: sub(account ?? [], '00') ?? '',
    account: sub(account ?? [], '01') ?? '',
    service: sub(napas, '02') as VietQrService | undefined,
    amount: typeof amount === 'string' ? Number(amount) : undefined,
    purpose: sub(extraFields, '08'),
    billNumber: sub(extraFields, '01'),
    terminal: sub(extraFields, '07'),
    merchantName: asText(top('59')),
    merchantCity: asText(top('60')),
    isDynamic: top('01') === '12',
    fields,
  };
}

/** Re-encodes decoded fields (in their original order) and appends the CRC. */
export function encodeVietQrFields(fields: readonly TlvField[]): string {
  return appendCrc(encodeTlv(fields));
}

/**
 * A transfer note banks accept (§4.3): diacritics removed (đ → d), uppercase ASCII letters,
 * digits and spaces, at most 25 characters.
 */
export function toTransferNote(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 25)
    .trim();
}

function sub(fields: readonly TlvField[], tag: string): string | undefined {
  return asText(fields.find((f) => f.tag === tag)?.value);
}

function asText(value: string | TlvField[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
