/**
 * The receipt's business data as XML, modelled on the tax authority's vocabulary (domain notes
 * §2.5: QĐ 1450/1271 invoice tags `TTChung`, `NBan`/`NMua`, `DSLPhi/LPhi`, `TToan/TgTTTBSo/
 * TgTTTBChu`, `TTHDLQuan`; names built by the QĐ 1271 rule: initials of the unaccented words, last
 * word whole). The official CTT50 receipt tables are not yet available (§2.5, §7.3): this module is
 * the one place that maps the receipt to tags, so adopting them changes only this file.
 *
 *   BLai                          Biên lai
 *     DLBLai                      Dữ liệu biên lai
 *       TTChung                   Thông tin chung: PBan, TBLai, KHMSBLai, KHBLai, SBLai, MHSo,
 *                                 NLap, DVTTe, HTTToan, [TTBLLQuan]
 *       NDBLai                    Nội dung biên lai
 *         TCThu                   Tổ chức thu: Ten, MST, DChi, SDThoai, STKNHang, TNHang
 *         NNop                    Người nộp: Ten, MST, CCCDan, DChi, STKNHang
 *         DSLPhi/LPhi             Phí, lệ phí: STT, MTTuc, TTTuc, MPhi, TLPhi, PLoai, SLuong, DGia, TPhi
 *         TToan                   Thanh toán: TgTTTBSo, TgTTTBChu
 *     DSCKS/TCThu                 Chữ ký số của tổ chức thu (ds:Signature goes here)
 *
 * UTF-8; amounts in whole đồng; dates YYYY-MM-DD in GMT+7; no whitespace between tags and no empty
 * optional tags (QĐ 1271 recommendations).
 */
import type { Receipt, RelatedReceipt } from './receipt-model';
import { PAYMENT_METHOD_LABELS, FEE_KIND_LABELS } from './receipt-model';
import { formatReceiptNumber } from './series';

/** Version of this XML vocabulary (`PBan`). */
export const RECEIPT_XML_VERSION = '1.0.0';

/** The element under which the organisation's ds:Signature is placed. */
export const SIGNATURE_PARENT_PATH = ['BLai', 'DSCKS', 'TCThu'] as const;

/** An element: name, content (children, text or nothing = omitted), attributes. */
type Node = [name: string, content: Node[] | string | number | undefined, attrs?: Record<string, string>];

/** Renders the unsigned receipt XML (with an empty `DSCKS/TCThu` for the signature). */
export function buildReceiptXml(receipt: Receipt): string {
  const tree: Node = [
    'BLai',
    [
      ['DLBLai', [
        ['TTChung', [
          ['PBan', RECEIPT_XML_VERSION],
          ['TBLai', receipt.title],
          ['KHMSBLai', receipt.templateSymbol],
          ['KHBLai', receipt.symbol],
          ['SBLai', receipt.number],
          ['MHSo', receipt.dossierCode],
          ['NLap', vietnamDate(receipt.issuedAt)],
          ['DVTTe', 'VND'],
          ['HTTToan', PAYMENT_METHOD_LABELS[receipt.paymentMethod]],
          ...(receipt.related ? [relatedNode(receipt.related)] : []),
        ]],
        ['NDBLai', [
          ['TCThu', [
            ['Ten', receipt.collector.name],
            ['MST', receipt.collector.taxCode],
            ['DChi', receipt.collector.address],
            ['SDThoai', receipt.collector.phone],
            ['STKNHang', receipt.collector.bankAccount],
            ['TNHang', receipt.collector.bankName],
          ]],
          ['NNop', [
            ['Ten', receipt.payer.name],
            ['MST', receipt.payer.taxCode],
            ['CCCDan', receipt.payer.personalId],
            ['DChi', receipt.payer.address],
            ['STKNHang', receipt.payer.bankAccount],
          ]],
          ['DSLPhi', receipt.items.map((item, i): Node => ['LPhi', [
            ['STT', i + 1],
            ['MTTuc', item.procedureCode],
            ['TTTuc', item.procedureName],
            ['MPhi', item.feeCode],
            ['TLPhi', item.name],
            ['PLoai', FEE_KIND_LABELS[item.kind]],
            ['SLuong', item.quantity],
            ['DGia', item.unitPrice],
            ['TPhi', item.amount],
          ]])],
          ['TToan', [
            ['TgTTTBSo', receipt.total],
            ['TgTTTBChu', receipt.totalInWords],
          ]],
        ]],
      ], { Id: 'DLBLai' }],
      ['DSCKS', [['TCThu', []]]],
    ],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>${render(tree)}`;
}

/** `TTBLLQuan`: the receipt this one replaces or adjusts (like the invoice `TTHDLQuan`). */
function relatedNode(related: RelatedReceipt): Node {
  const nature = related.kind === 'replacement' ? 1 : 2;
  const adjustment = { adjust_increase: 1, adjust_decrease: 2, adjust_information: 3 } as const;
  return ['TTBLLQuan', [
    ['TCBLai', nature],
    ['LDChinh', related.kind === 'replacement' ? undefined : adjustment[related.kind]],
    ['KHMSBLCLQuan', related.templateSymbol],
    ['KHBLCLQuan', related.symbol],
    ['SBLCLQuan', related.number],
    ['NLBLCLQuan', vietnamDate(related.issuedAt)],
    ['GChu', `${relatedNote(related)}. Lý do: ${related.reason}`],
  ]];
}

/**
 * The line printed on a correction (Circular 32/2025 Art. 12.8 wording for invoices):
 * "Thay thế cho biên lai Mẫu số EBL01 ký hiệu 25T số 0000001 ngày 02 tháng 06 năm 2025".
 */
export function relatedNote(related: RelatedReceipt): string {
  const verb = related.kind === 'replacement' ? 'Thay thế cho' : 'Điều chỉnh cho';
  const [y, m, d] = vietnamDate(related.issuedAt).split('-');
  return `${verb} biên lai Mẫu số ${related.templateSymbol} ký hiệu ${related.symbol} số ${formatReceiptNumber(related.number)} ngày ${d} tháng ${m} năm ${y}`;
}

/** YYYY-MM-DD of `at` in Vietnam (UTC+07:00, QĐ 1271: dates are understood as GMT+7). */
export function vietnamDate(at: Date): string {
  return vietnamDateTime(at).slice(0, 10);
}

/** YYYY-MM-DDThh:mm:ss of `at` in Vietnam, no offset written (QĐ 1271 dateTime). */
export function vietnamDateTime(at: Date): string {
  return new Date(at.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 19);
}

/** Escapes text content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Character data as Canonical XML writes it (C14N 1.0 §2.3, the same in Exclusive C14N): `&`,
 * `<`, `>` and CR escaped, nothing else; C0 controls XML 1.0 cannot carry are dropped.
 */
export function canonicalText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;');
}

/** An attribute value as Canonical XML writes it: `&`, `<`, `"`, TAB, LF and CR escaped. */
export function canonicalAttribute(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/**
 * Writes the tree already in Canonical XML form, so that the document (after its declaration) is
 * its own C14N and can be digested without a canonicaliser: start and end tags for every
 * element (never `<a/>`), unprefixed attributes sorted by name, C14N escaping, no whitespace
 * between tags, no namespace declarations.
 */
function render(node: Node): string {
  const [name, content, attrs] = node;
  const attributes = Object.keys(attrs ?? {})
    .sort()
    .map((k) => ` ${k}="${canonicalAttribute(attrs![k]!)}"`)
    .join('');
  if (content === undefined || content === '') return '';
  if (Array.isArray(content)) {
    const inner = content.map(render).join('');
    return `<${name}${attributes}>${inner}</${name}>`;
  }
  return `<${name}${attributes}>${canonicalText(String(content))}</${name}>`;
}
