/**
 * Reports of receipts used per period (like the tax authority's BC26/BLĐT usage report, domain
 * notes §2.5: per template and symbol, from number, to number, count, totals) plus adjusted and
 * replaced counts, and totals per procedure and fee. JSON, and CSV for spreadsheets.
 */
import { AppError } from '../errors';
import type { Receipt } from './receipt-model';
import type { ReceiptsDeps } from './receipts-deps';

/** One series line. `total` counts originals and replacements, adjustments with their sign. */
export interface SeriesReportLine {
  collectorTaxCode: string;
  templateSymbol: string;
  symbol: string;
  fromNumber: number;
  toNumber: number;
  count: number;
  total: number;
  adjusted: number;
  replaced: number;
}

/** Totals per procedure and fee. */
export interface FeeReportLine {
  procedureCode: string;
  feeCode: string;
  name: string;
  quantity: number;
  total: number;
}

export interface ReceiptReport {
  from: string;
  to: string;
  series: SeriesReportLine[];
  fees: FeeReportLine[];
}

const SIGN = { original: 1, replacement: 1, adjust_increase: 1, adjust_decrease: -1, adjust_information: 0 } as const;

/** Receipts issued in [from, to) (ISO dates or date-times), optionally for one agency. */
export async function receiptReport(deps: ReceiptsDeps, q: { from: string; to: string; agencyCode?: string }): Promise<ReceiptReport> {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new AppError('VALIDATION_FAILED', 'A report needs from < to, as ISO dates.');
  }
  let query = deps.db.selectFrom('receipts').selectAll().where('issued_at', '>=', from).where('issued_at', '<', to);
  if (q.agencyCode) query = query.where('agency_code', '=', q.agencyCode);
  const rows = await query.orderBy('collector_tax_code').orderBy('template_symbol').orderBy('symbol').orderBy('number').execute();
  const series = new Map<string, SeriesReportLine>();
  const fees = new Map<string, FeeReportLine>();
  for (const row of rows) {
    const key = `${row.collector_tax_code}|${row.template_symbol}|${row.symbol}`;
    const n = Number(row.number);
    const line = series.get(key) ?? {
      collectorTaxCode: row.collector_tax_code, templateSymbol: row.template_symbol, symbol: row.symbol,
      fromNumber: n, toNumber: n, count: 0, total: 0, adjusted: 0, replaced: 0,
    };
    const sign = row.status === 'replaced' ? 0 : SIGN[row.kind];
    line.fromNumber = Math.min(line.fromNumber, n);
    line.toNumber = Math.max(line.toNumber, n);
    line.count += 1;
    line.total += sign * Number(row.total);
    if (row.status === 'adjusted') line.adjusted += 1;
    if (row.status === 'replaced') line.replaced += 1;
    series.set(key, line);
    for (const item of (row.data as { receipt: Receipt }).receipt.items) {
      const feeKey = `${item.procedureCode ?? ''}|${item.feeCode ?? item.name}`;
      const f = fees.get(feeKey) ?? { procedureCode: item.procedureCode ?? '', feeCode: item.feeCode ?? '', name: item.name, quantity: 0, total: 0 };
      f.quantity += sign === 0 ? 0 : sign * item.quantity;
      f.total += sign * item.amount;
      fees.set(feeKey, f);
    }
  }
  return { from: from.toISOString(), to: to.toISOString(), series: [...series.values()], fees: [...fees.values()] };
}

/** The report as CSV (RFC 4180, UTF-8): the series table, a blank line, the fee table. */
export function reportToCsv(report: ReceiptReport): string {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const row = (cells: Array<string | number>) => cells.map(cell).join(',');
  const lines = [
    row(['collectorTaxCode', 'templateSymbol', 'symbol', 'fromNumber', 'toNumber', 'count', 'total', 'adjusted', 'replaced']),
    ...report.series.map((s) => row([s.collectorTaxCode, s.templateSymbol, s.symbol, s.fromNumber, s.toNumber, s.count, s.total, s.adjusted, s.replaced])),
    '',
    row(['procedureCode', 'feeCode', 'name', 'quantity', 'total']),
    ...report.fees.map((f) => row([f.procedureCode, f.feeCode, f.name, f.quantity, f.total])),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
