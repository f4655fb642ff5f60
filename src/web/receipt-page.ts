/**
 * The citizen lookup page of a receipt (GET /r/:id?t=TOKEN), in Vietnamese (domain notes §5.3):
 * collector, template / symbol / number, date, masked payer, fees and total, status (issued,
 * adjusted by …, replaced by …) and the check of the organisation's signature.
 */
import { formatDong } from '../receipts/receipt-pdf';
import { FEE_KIND_LABELS, PAYMENT_METHOD_LABELS } from '../receipts/receipt-model';
import { escapeXml as escapeHtml, vietnamDate } from '../receipts/receipt-xml';
import type { ReceiptView } from '../receipts/lookup-receipt';

/** Masks all but the first letter of each word of a name ("Nguyễn Thị Hoa" → "N*** T** H**"). */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => [...w][0] + '*'.repeat(Math.max(0, [...w].length - 1)))
    .join(' ');
}

function statusText(view: ReceiptView): string {
  const { receipt, corrections } = view;
  if (receipt.status === 'replaced') {
    const by = corrections.find((c) => c.id === receipt.replacedBy);
    return `Đã bị thay thế bởi biên lai ${by ? `${by.templateSymbol} ${by.symbol} số ${by.numberText}` : receipt.replacedBy}`;
  }
  if (receipt.status === 'adjusted') {
    const list = corrections.map((c) => `${c.templateSymbol} ${c.symbol} số ${c.numberText}`).join(', ');
    return `Đã được điều chỉnh bởi biên lai ${list}`;
  }
  return 'Đã phát hành, còn hiệu lực';
}

/** Renders the page. */
export function renderReceiptPage(view: ReceiptView): string {
  const { receipt: r, details: d, xmlSignature: sig } = view;
  const rows = d.items
    .map(
      (i, n) =>
        `<tr><td>${n + 1}</td><td>${escapeHtml(i.name)}</td><td>${FEE_KIND_LABELS[i.kind]}</td><td class="n">${i.quantity}</td><td class="n">${formatDong(i.amount)}</td></tr>`,
    )
    .join('');
  const [y, m, dd] = vietnamDate(new Date(r.issuedAt)).split('-');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tra cứu biên lai ${escapeHtml(r.templateSymbol)} ${escapeHtml(r.symbol)} số ${r.numberText}</title>
<style>body{font-family:serif;max-width:720px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px}.n{text-align:right}.ok{color:#064}.bad{color:#a00}</style>
</head><body>
<h1>Biên lai thu phí, lệ phí điện tử</h1>
<p><strong>${escapeHtml(d.collector.name)}</strong> (Mã số thuế ${escapeHtml(d.collector.taxCode)})</p>
<p>Mẫu số <strong>${escapeHtml(r.templateSymbol)}</strong>, ký hiệu <strong>${escapeHtml(r.symbol)}</strong>, số <strong>${r.numberText}</strong>, ngày ${dd}/${m}/${y}</p>
<p>Mã tra cứu: ${escapeHtml(r.id)}${r.dossierCode ? `; mã hồ sơ: ${escapeHtml(r.dossierCode)}` : ''}</p>
<p>Người nộp: ${escapeHtml(maskName(d.payer.name))}</p>
<table><tr><th>STT</th><th>Tên loại phí, lệ phí</th><th>Loại</th><th>SL</th><th>Thành tiền (đồng)</th></tr>${rows}</table>
<p>Tổng số tiền: <strong>${formatDong(r.total)} đồng</strong> (${escapeHtml(d.totalInWords)}); hình thức thanh toán: ${PAYMENT_METHOD_LABELS[d.paymentMethod]}</p>
<h2>Trạng thái</h2><p>${escapeHtml(statusText(view))}</p>
<h2>Chữ ký số của tổ chức thu</h2>
<p class="${sig.isValid ? 'ok' : 'bad'}">${sig.isValid ? 'Chữ ký số hợp lệ, nội dung toàn vẹn' : 'Chữ ký số KHÔNG hợp lệ hoặc nội dung đã bị thay đổi'}</p>
<p>Người ký: ${escapeHtml(sig.signer ?? '—')}; tổ chức cấp chứng thư: ${escapeHtml(sig.issuer ?? '—')}; số hiệu chứng thư: ${escapeHtml(sig.serial ?? '—')}; thời điểm ký: ${escapeHtml(sig.signingTime ?? '—')} (giờ Việt Nam, UTC+07:00)</p>
</body></html>`;
}
