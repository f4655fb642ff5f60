/**
 * Signing times as Decree 30/2020 Appendix I wants them printed: "ngày tháng năm; giờ phút giây;
 * múi giờ Việt Nam theo tiêu chuẩn ISO 8601", i.e. ISO 8601 extended form with the +07:00 offset
 * (Vietnam has no daylight saving time), e.g. `2026-11-20T09:30:15+07:00`.
 */
import { AppError } from '../errors';

const VN_OFFSET_MS = 7 * 3600 * 1000;
const ISO_VN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?\+07:00$/;

/** Formats an instant as ISO 8601 in Vietnamese time (+07:00), to the second. */
export function formatVietnamTime(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new AppError('STAMP_SPEC_INVALID', 'The signing time is not a valid date');
  return new Date(instant.getTime() + VN_OFFSET_MS).toISOString().slice(0, 19) + '+07:00';
}

/**
 * Checks that `text` is an ISO 8601 time with the +07:00 offset and denotes a real instant.
 * Throws AppError STAMP_SPEC_INVALID otherwise.
 */
export function assertVietnamTime(text: string): void {
  if (!ISO_VN.test(text) || Number.isNaN(Date.parse(text))) {
    throw new AppError('STAMP_SPEC_INVALID', 'The signing time must be ISO 8601 with the Vietnamese offset, e.g. 2026-11-20T09:30:15+07:00', { signingTime: text });
  }
}
