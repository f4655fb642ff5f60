/** The payment request page: the VietQR code to scan in a banking app, amount and transfer note. */
import QRCode from 'qrcode';
import type { PaymentRequest } from '../receipts/payment-request';
import { formatDong } from '../receipts/receipt-pdf';
import { escapeXml as escapeHtml } from '../receipts/receipt-xml';
import { parseVietQr } from '../receipts/vietqr';

/** Renders the page with the QR as inline SVG. */
export async function renderPaymentPage(payment: PaymentRequest): Promise<string> {
  const svg = await QRCode.toString(payment.vietqr, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  const qr = parseVietQr(payment.vietqr);
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Yêu cầu thanh toán ${escapeHtml(payment.id)}</title>
<style>body{font-family:serif;max-width:520px;margin:2em auto}svg{width:280px;height:280px}</style></head><body>
<h1>Yêu cầu thanh toán phí, lệ phí</h1>
<p>Số tiền: <strong>${formatDong(payment.total)} đồng</strong></p>
<p>Tài khoản nhận: ${escapeHtml(qr.account)} (mã ngân hàng ${escapeHtml(qr.bin)})</p>
<p>Nội dung chuyển khoản: <strong>${escapeHtml(qr.purpose ?? '')}</strong></p>
<div>${svg}</div>
<p>Trạng thái: ${payment.status === 'paid' ? 'Đã thanh toán' : 'Chờ thanh toán'}</p>
</body></html>`;
}
