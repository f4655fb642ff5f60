/**
 * The citizen verification pages (issue 4 item 4; domain notes §5.3), in Vietnamese. Pure
 * functions from views to HTML. The not-found page takes no argument at all, so an unknown id and
 * a wrong token produce byte-identical answers.
 */
import type { CitizenView } from '../documents/get-document';
import type { RegisteredDocument } from '../documents/document';
import type { CitizenCheck } from './citizen-check';
import { dateVietnam, esc, groupedHex, isoVietnam, page } from './citizen-html';

/** Options shared by the pages. */
export interface PageOptions {
  systemName: string;
}

type Full = Extract<CitizenView, { kind: 'full' }>;

function statusBlock(status: RegisteredDocument['status'], reason: string | null, replacedBy: string | null, replacementNumber: string | null): string {
  if (status === 'valid') return `<p class="status ok">Còn hiệu lực</p>`;
  const why = reason ? `<p>Lý do: ${esc(reason)}</p>` : '';
  if (status === 'revoked') return `<p class="status bad">Đã bị thu hồi</p>${why}`;
  const label = replacementNumber ? `văn bản số ${esc(replacementNumber)}` : `văn bản ${esc(replacedBy)}`;
  const link = replacedBy ? ` (<a href="/v/${encodeURIComponent(replacedBy)}">mã ${esc(replacedBy)}</a>)` : '';
  return `<p class="status warn">Đã được thay thế bởi ${label}${link}</p>${why}`;
}

function signersBlock(doc: RegisteredDocument): string {
  if (doc.signers.length === 0) return '<p>Không có thông tin người ký.</p>';
  return doc.signers
    .map(
      (s) => `<div class="signer"><dl>
<dt>Người ký</dt><dd>${esc(s.name)}</dd>
<dt>Thời điểm ký (giờ Việt Nam)</dt><dd class="mono">${esc(isoVietnam(s.signingTime))}</dd>
<dt>Tổ chức cung cấp dịch vụ chứng thực (CA)</dt><dd>${esc(s.issuer)}</dd>
<dt>Số hiệu chứng thư số</dt><dd class="mono">${esc(s.serial)}</dd>
</dl></div>`,
    )
    .join('\n');
}

function issueDate(doc: RegisteredDocument): string {
  const times = doc.signers.map((s) => Date.parse(s.signingTime)).filter((t) => !Number.isNaN(t));
  return dateVietnam(times.length ? new Date(Math.max(...times)) : doc.createdAt);
}

/** The full page, shown with the right token. */
export function renderFullPage(view: Full, token: string, opts: PageOptions): string {
  const d = view.document;
  const agency = view.issuingAgencyName ? `${esc(view.issuingAgencyName)} (${esc(d.issuingAgencyCode)})` : esc(d.issuingAgencyCode);
  const q = `?t=${encodeURIComponent(token)}`;
  const base = `/v/${encodeURIComponent(d.id)}`;
  const body = `<section>
<h2>Tình trạng văn bản</h2>
${statusBlock(d.status, d.statusReason, d.replacedBy, view.replacementNumber)}
</section>
<section>
<h2>Thông tin văn bản</h2>
<dl>
<dt>Mã tra cứu</dt><dd class="mono">${esc(d.id)}</dd>
<dt>Cơ quan ban hành</dt><dd>${agency}</dd>
<dt>Số, ký hiệu</dt><dd>${esc(d.numberAndNotation)}</dd>
${d.documentType ? `<dt>Loại văn bản</dt><dd>${esc(d.documentType)}</dd>` : ''}
<dt>Trích yếu</dt><dd>${esc(d.title)}</dd>
<dt>Ngày ký</dt><dd>${esc(issueDate(d))}</dd>
</dl>
</section>
<section>
<h2>Chữ ký số</h2>
${signersBlock(d)}
</section>
<section>
<h2>Bản gốc</h2>
<dl><dt>Dấu vân tay SHA-256 của tệp đã ký</dt><dd class="mono">${esc(groupedHex(d.sha256 ?? ''))}</dd></dl>
<a class="button" href="${base}/file${q}">Tải bản gốc có chữ ký số (PDF)</a>
</section>
<section>
<h2>Kiểm tra tệp bạn đang giữ</h2>
<p>Chọn tệp PDF bạn nhận được để so sánh với bản gốc đã đăng ký và kiểm tra chữ ký số.</p>
<form method="post" action="${base}/check${q}" enctype="multipart/form-data">
<input type="file" name="file" accept="application/pdf,.pdf" required>
<button type="submit">Kiểm tra</button>
</form>
</section>`;
  return page({ title: `Văn bản ${d.numberAndNotation ?? d.id}`, systemName: opts.systemName, body });
}

/** Existence and status only (no token). */
export function renderStatusPage(view: Extract<CitizenView, { kind: 'status' }>, opts: PageOptions): string {
  const body = `<section>
<h2>Văn bản có mã tra cứu <span class="mono">${esc(view.id)}</span> có trong hệ thống</h2>
${statusBlock(view.status, null, view.replacedBy, null)}
<p>Để xem nội dung và tải bản gốc, hãy quét mã QR in trên văn bản.</p>
</section>`;
  return page({ title: 'Tra cứu văn bản điện tử', systemName: opts.systemName, body });
}

/** The one answer for unknown ids and wrong tokens. */
export function renderNotFoundPage(opts: PageOptions): string {
  const body = `<section>
<h2>Không tìm thấy văn bản</h2>
<p class="status bad">Không tìm thấy văn bản, hoặc đường dẫn tra cứu không đúng.</p>
<p>Hãy quét lại mã QR in trên văn bản, hoặc kiểm tra lại mã tra cứu.</p>
</section>`;
  return page({ title: 'Không tìm thấy văn bản', systemName: opts.systemName, body });
}

/** The result of checking an uploaded file against the registry and the verifier. */
export function renderCheckPage(
  view: Full,
  token: string,
  upload: { filename: string; sha256: string; size: number },
  check: CitizenCheck | { error: string } | null,
  opts: PageOptions,
): string {
  const d = view.document;
  const same = upload.sha256 === d.sha256;
  const match = same
    ? `<p class="status ok">Tệp trùng khớp với bản gốc đã đăng ký (nội dung toàn vẹn).</p>`
    : `<p class="status bad">Tệp KHÔNG trùng khớp với bản gốc đã đăng ký: tệp đã bị thay đổi hoặc là một văn bản khác.</p>`;
  let verdict = '';
  if (check && 'error' in check) {
    verdict = `<p class="status bad">Không đọc được tệp PDF: ${esc(check.error)}</p>`;
  } else if (check) {
    const cls = check.verdict === 'VALID' ? 'ok' : check.verdict === 'INDETERMINATE' ? 'warn' : 'bad';
    const sigs = check.signatures
      .map((s) => `<div class="signer"><dl><dt>Người ký</dt><dd>${esc(s.signer ?? 'Không rõ')}</dd>${s.signingTime ? `<dt>Thời điểm ký (giờ Việt Nam)</dt><dd class="mono">${esc(isoVietnam(s.signingTime))}</dd>` : ''}<dt>Kết quả</dt><dd>${esc(s.explanationVi)}</dd></dl></div>`)
      .join('\n');
    verdict = `<p class="status ${cls}">${esc(check.explanationVi)}</p>${sigs}`;
  }
  const body = `<section>
<h2>Kết quả kiểm tra tệp</h2>
<dl>
<dt>Tệp đã chọn</dt><dd>${esc(upload.filename || '(không tên)')} (${upload.size} byte)</dd>
<dt>Dấu vân tay SHA-256 của tệp</dt><dd class="mono">${esc(groupedHex(upload.sha256))}</dd>
<dt>Dấu vân tay SHA-256 của bản gốc</dt><dd class="mono">${esc(groupedHex(d.sha256 ?? ''))}</dd>
</dl>
${match}
</section>
${verdict ? `<section><h2>Kiểm tra chữ ký số</h2>${verdict}</section>` : ''}
<section>
<h2>Tình trạng văn bản ${esc(d.numberAndNotation)}</h2>
${statusBlock(d.status, d.statusReason, d.replacedBy, view.replacementNumber)}
<a class="button" href="/v/${encodeURIComponent(d.id)}?t=${encodeURIComponent(token)}">Quay lại trang văn bản</a>
</section>`;
  return page({ title: 'Kết quả kiểm tra tệp', systemName: opts.systemName, body });
}
