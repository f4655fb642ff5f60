/**
 * Vietnamese and English explanations for every problem code and verdict. A citizen reads the
 * Vietnamese sentence; an officer or a log reader uses the stable code (issue 3 item 2).
 */
import type { DocumentVerdict, Explanation, Problem } from './report';

type Entry = { severity: Problem['severity'] } & Explanation;

/** Every problem kyso reports, with severity and both explanations. */
export const PROBLEMS = {
  BYTERANGE_MISSING: { severity: 'error', vi: 'Chữ ký không có /ByteRange hợp lệ.', en: 'The signature has no valid /ByteRange.' },
  BYTERANGE_NOT_AT_START: { severity: 'error', vi: 'Vùng được ký không bắt đầu từ đầu tệp.', en: 'The ByteRange must cover the start of the file.' },
  BYTERANGE_GAP_NOT_CONTENTS: { severity: 'error', vi: 'Khoảng trống trong /ByteRange không đúng là giá trị /Contents của chữ ký này.', en: 'The ByteRange gap is not exactly this signature\'s /Contents string.' },
  BYTERANGE_OUTSIDE_FILE: { severity: 'error', vi: '/ByteRange trỏ ra ngoài tệp.', en: 'The ByteRange points outside the file.' },
  BYTERANGE_OVERLAP: { severity: 'error', vi: 'Các đoạn của /ByteRange chồng lên nhau hoặc sai thứ tự.', en: 'The ByteRange segments overlap or are out of order.' },
  CONTENTS_MISSING: { severity: 'error', vi: 'Chữ ký không có giá trị /Contents.', en: 'The signature has no /Contents value.' },
  CONTENTS_NOT_HEX: { severity: 'error', vi: '/Contents không phải chuỗi hexa hợp lệ.', en: '/Contents is not a valid hexadecimal string.' },
  CMS_MALFORMED: { severity: 'error', vi: 'Dữ liệu chữ ký (CMS) bị hỏng hoặc không đọc được.', en: 'The CMS signature data is malformed.' },
  SIGNER_CERT_MISSING: { severity: 'error', vi: 'Không tìm thấy chứng thư số của người ký.', en: 'The signer certificate is missing.' },
  DIGEST_MISMATCH: { severity: 'error', vi: 'Nội dung đã bị thay đổi sau khi ký (giá trị băm không khớp).', en: 'The signed content was altered (digest mismatch).' },
  SIGNATURE_INVALID: { severity: 'error', vi: 'Giá trị chữ ký không đúng với khóa của người ký.', en: 'The signature value does not verify with the signer key.' },
  SIGNED_ATTRS_INVALID: { severity: 'error', vi: 'Thuộc tính được ký (message-digest, content-type) không hợp lệ.', en: 'The signed attributes (message-digest, content-type) are invalid.' },
  SIGNING_CERT_MISMATCH: { severity: 'error', vi: 'Thuộc tính signing-certificate không khớp với chứng thư của người ký.', en: 'The signing-certificate attribute does not match the signer certificate.' },
  ALGORITHM_UNSUPPORTED: { severity: 'error', vi: 'Thuật toán chữ ký không được hỗ trợ hoặc không an toàn.', en: 'The signature algorithm is unsupported or unsafe.' },
  SUBFILTER_UNSUPPORTED: { severity: 'error', vi: 'Định dạng chữ ký (/SubFilter) không được hỗ trợ.', en: 'The signature format (/SubFilter) is not supported.' },
  COVERAGE_PARTIAL: { severity: 'error', vi: 'Chữ ký không bao trùm trọn một phiên bản của tài liệu.', en: 'The signature does not cover a whole revision of the document.' },
  SIGNATURE_UNREACHABLE: { severity: 'warning', vi: 'Có chữ ký không gắn với trường chữ ký nào của tài liệu.', en: 'A signature dictionary is not attached to any signature field.' },
  MODIFIED_AFTER_SIGNING: { severity: 'error', vi: 'Tài liệu đã bị sửa đổi sau khi ký theo cách không được phép.', en: 'The document was changed after signing in a way that is not allowed.' },
  ALLOWED_CHANGES: { severity: 'info', vi: 'Sau khi ký chỉ có các thay đổi được phép (thêm chữ ký, dấu thời gian, điền biểu mẫu hoặc chú thích).', en: 'Only allowed changes were made after signing (signatures, timestamps, form filling or annotations).' },
  MDP_VIOLATED: { severity: 'error', vi: 'Thay đổi sau khi ký vi phạm quyền mà người chứng thực cho phép (DocMDP/FieldMDP).', en: 'Changes after signing violate the certifier\'s permissions (DocMDP/FieldMDP).' },
  XREF_SUSPICIOUS: { severity: 'error', vi: 'Cấu trúc tệp có dấu hiệu giả mạo (số đối tượng trùng lặp hoặc bảng tham chiếu bất thường).', en: 'The file structure looks forged (duplicate object numbers or an abnormal xref).' },
  CHAIN_NOT_FOUND: { severity: 'warning', vi: 'Không xây dựng được chuỗi chứng thư tới một tổ chức cung cấp dịch vụ tin cậy.', en: 'No certificate chain to a trust anchor could be built.' },
  CHAIN_SIGNATURE_INVALID: { severity: 'error', vi: 'Chữ ký trên một chứng thư trong chuỗi không hợp lệ.', en: 'A certificate in the chain has an invalid signature.' },
  CHAIN_CONSTRAINTS: { severity: 'error', vi: 'Chứng thư cấp trên không được phép cấp chứng thư (basicConstraints/keyUsage).', en: 'An issuer certificate is not allowed to issue certificates (basicConstraints/keyUsage).' },
  CERT_EXPIRED: { severity: 'error', vi: 'Chứng thư số đã hết hạn tại thời điểm ký.', en: 'The certificate had expired at the signing time.' },
  CERT_NOT_YET_VALID: { severity: 'error', vi: 'Chứng thư số chưa có hiệu lực tại thời điểm ký.', en: 'The certificate was not yet valid at the signing time.' },
  KEY_USAGE: { severity: 'error', vi: 'Chứng thư số không được phép dùng để ký (keyUsage).', en: 'The certificate key usage does not allow signing.' },
  REVOKED: { severity: 'error', vi: 'Chứng thư số đã bị thu hồi trước thời điểm ký.', en: 'The certificate was revoked before the signing time.' },
  REVOKED_AFTER_SIGNING: { severity: 'info', vi: 'Chứng thư số bị thu hồi sau thời điểm ký.', en: 'The certificate was revoked after the signing time.' },
  REVOKED_NO_POE: { severity: 'warning', vi: 'Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh chữ ký có trước thời điểm thu hồi.', en: 'The certificate was revoked and no timestamp proves the signature existed before the revocation.' },
  REVOCATION_NOT_CHECKED: { severity: 'info', vi: 'Không có dữ liệu thu hồi để kiểm tra (không truy cập mạng); chấp nhận theo chính sách mặc định.', en: 'No revocation data was available (network not allowed); accepted under the soft-fail policy.' },
  REVOCATION_UNKNOWN: { severity: 'warning', vi: 'Không xác định được tình trạng thu hồi của chứng thư số.', en: 'The revocation status of the certificate could not be established.' },
  TIMESTAMP_INVALID: { severity: 'error', vi: 'Dấu thời gian đi kèm chữ ký không hợp lệ.', en: 'The signature timestamp is invalid.' },
  SIGNATURE_UNREADABLE: { severity: 'error', vi: 'Tài liệu có chữ ký hoặc trường chữ ký không đọc được (sai cấu trúc).', en: 'A signature or signature field cannot be read (malformed).' },
  PDF_DAMAGED: { severity: 'warning', vi: 'Tệp PDF bị hỏng một phần.', en: 'The PDF file is partly damaged.' },
} as const satisfies Record<string, Entry>;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEMS;

/** Builds a report problem from its code. */
export function problem(code: ProblemCode, detail?: string): Problem {
  const e: Entry = PROBLEMS[code];
  return detail === undefined
    ? { code, severity: e.severity, vi: e.vi, en: e.en }
    : { code, severity: e.severity, vi: e.vi, en: e.en, detail };
}

/** The sentence for each document verdict. */
export const VERDICT_EXPLANATIONS: Record<DocumentVerdict, Explanation> = {
  VALID: { vi: 'Tài liệu hợp lệ: mọi chữ ký đều đúng, tin cậy và tài liệu không bị sửa đổi trái phép sau khi ký.', en: 'Valid: every signature is intact and trusted, and the document was not changed in a disallowed way after signing.' },
  MODIFIED: { vi: 'Chữ ký còn nguyên vẹn nhưng tài liệu đã bị sửa đổi sau khi ký theo cách không được phép.', en: 'The signatures are intact but the document was changed after signing in a way that is not allowed.' },
  INVALID: { vi: 'Tài liệu không hợp lệ: có chữ ký bị hỏng, giả mạo hoặc sai cấu trúc.', en: 'Invalid: a signature is broken, forged or malformed.' },
  INDETERMINATE: { vi: 'Chưa xác định được: chữ ký không bị hỏng nhưng chưa kiểm tra được độ tin cậy, tình trạng thu hồi hoặc thời gian.', en: 'Indeterminate: nothing is broken, but trust, revocation or time could not be established.' },
  NOT_SIGNED: { vi: 'Tài liệu không có chữ ký số.', en: 'The document carries no digital signature.' },
};

/** The sentence for each signature indication. */
export const INDICATION_EXPLANATIONS = {
  TOTAL_PASSED: { vi: 'Chữ ký hợp lệ.', en: 'The signature is valid.' },
  TOTAL_FAILED: { vi: 'Chữ ký không hợp lệ.', en: 'The signature is not valid.' },
  INDETERMINATE: { vi: 'Chưa xác định được tính hợp lệ của chữ ký.', en: 'The signature validity could not be determined.' },
} as const satisfies Record<string, Explanation>;
