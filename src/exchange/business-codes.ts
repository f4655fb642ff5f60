/**
 * edXML business vocabularies: the status codes of a status package (QCVN 102 §1.4 of the domain
 * notes; four implementations agree on the numbers) and BussinessDocType of TraceHeaderList.
 */
import { z } from 'zod';

/** A business status code with its Vietnamese and English meaning. */
export interface CodeMeaning {
  vi: string;
  en: string;
}

/**
 * StatusCode of an edXML status package. 05 may repeat (processing updates); every other code is
 * deduplicated on (from, to, document, code), as the Bkav provincial axis does in UpdateTraces.
 */
export const BUSINESS_STATUS_CODES = {
  '01': { vi: 'Đã đến (chờ tiếp nhận)', en: 'Received' },
  '02': { vi: 'Từ chối tiếp nhận', en: 'Refused' },
  '03': { vi: 'Đã tiếp nhận (vào sổ)', en: 'Accepted and registered' },
  '04': { vi: 'Đã phân công xử lý', en: 'Assigned for handling' },
  '05': { vi: 'Đang xử lý', en: 'Being processed' },
  '06': { vi: 'Đã hoàn thành xử lý', en: 'Completed' },
  '13': { vi: 'Thu hồi (lấy lại) văn bản', en: 'Recall requested' },
  '15': { vi: 'Đồng ý thu hồi / cập nhật', en: 'Recall or update accepted' },
  '16': { vi: 'Từ chối thu hồi / cập nhật', en: 'Recall or update refused' },
} as const satisfies Record<string, CodeMeaning>;

/** One of the edXML business status codes. */
export type BusinessStatusCode = keyof typeof BUSINESS_STATUS_CODES;

/** zod schema of a business status code ("01".."06", "13", "15", "16"). */
export const businessStatusCodeSchema = z.enum(
  Object.keys(BUSINESS_STATUS_CODES) as [BusinessStatusCode, ...BusinessStatusCode[]],
);

/** The only status code that may be posted again for the same document and receiver. */
export const REPEATABLE_STATUS_CODE: BusinessStatusCode = '05';

/** True when a status with this code is deduplicated on (from, to, document, code). */
export function isDeduplicatedStatus(code: BusinessStatusCode): boolean {
  return code !== REPEATABLE_STATUS_CODE;
}

/**
 * TraceHeaderList/Bussiness/BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace (Bkav
 * EdocTraceHeaderList.BussinessDocType {NEW, REVOKE, UPDATE, REPLACE}).
 */
export const BUSINESS_DOC_TYPES = {
  0: { vi: 'Văn bản mới', en: 'New document' },
  1: { vi: 'Thu hồi', en: 'Revoke' },
  2: { vi: 'Cập nhật', en: 'Update' },
  3: { vi: 'Thay thế', en: 'Replace' },
} as const satisfies Record<number, CodeMeaning>;

/** 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessDocType = keyof typeof BUSINESS_DOC_TYPES;

/** zod schema of BussinessDocType (an integer 0..3). */
export const businessDocTypeSchema = z.union([
  z.literal(0),
  z.literal(1),
  z.literal(2),
  z.literal(3),
]);

/** OtherInfo/Priority: 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ. */
export const PRIORITIES = {
  0: { vi: 'Thường', en: 'Normal' },
  1: { vi: 'Khẩn', en: 'Urgent' },
  2: { vi: 'Thượng khẩn', en: 'Very urgent' },
  3: { vi: 'Hỏa tốc', en: 'Express' },
  4: { vi: 'Hỏa tốc hẹn giờ', en: 'Express, timed' },
} as const satisfies Record<number, CodeMeaning>;
