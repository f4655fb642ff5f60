/**
 * Reports (issue 5 item 8): per agency, documents sent and received, deliveries by transport
 * status, and the on-time rate: among received documents that carry a dueDate, the share whose
 * status 06 (completed) came on or before the due date (end of that day, Vietnam time).
 */
import { sql } from 'kysely';
import type { ExchangeDeps } from './exchange-deps';

/** One agency's row. */
export interface AgencyReport {
  agency: string;
  sent: number;
  received: number;
  delivered: number;
  acknowledged: number;
  dead: number;
  withDueDate: number;
  completedOnTime: number;
  onTimeRate: number | null;
}

/** Volumes and on-time rate for messages created in [since, until); one agency or all. */
export async function buildExchangeReport(deps: ExchangeDeps, since: Date, until: Date, agency?: string): Promise<AgencyReport[]> {
  const received = await sql<{ agency: string; received: string; delivered: string; acknowledged: string; dead: string; with_due: string; on_time: string }>`
    select d.receiver_code as agency,
      count(*) as received,
      count(*) filter (where d.status in ('delivered', 'acknowledged')) as delivered,
      count(*) filter (where d.status = 'acknowledged') as acknowledged,
      count(*) filter (where d.status = 'dead') as dead,
      count(*) filter (where m.due_date is not null) as with_due,
      count(*) filter (where m.due_date is not null and exists (
        select 1 from exchange_statuses s
        where s.message_id = m.id and s.from_code = d.receiver_code and s.code = '06'
          and s.at < (m.due_date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')) as on_time
    from exchange_deliveries d join exchange_messages m on m.id = d.message_id
    where m.created_at >= ${since} and m.created_at < ${until}
    group by d.receiver_code`.execute(deps.db);
  const sent = await sql<{ agency: string; sent: string }>`
    select from_code as agency, count(*) as sent from exchange_messages
    where created_at >= ${since} and created_at < ${until} group by from_code`.execute(deps.db);
  const rows = new Map<string, AgencyReport>();
  const row = (a: string) => rows.get(a) ?? rows.set(a, { agency: a, sent: 0, received: 0, delivered: 0, acknowledged: 0, dead: 0, withDueDate: 0, completedOnTime: 0, onTimeRate: null }).get(a)!;
  for (const s of sent.rows) row(s.agency).sent = Number(s.sent);
  for (const r of received.rows) {
    Object.assign(row(r.agency), {
      received: Number(r.received), delivered: Number(r.delivered), acknowledged: Number(r.acknowledged), dead: Number(r.dead),
      withDueDate: Number(r.with_due), completedOnTime: Number(r.on_time),
      onTimeRate: Number(r.with_due) > 0 ? Number(r.on_time) / Number(r.with_due) : null,
    });
  }
  return [...rows.values()].filter((r) => !agency || r.agency === agency).sort((a, b) => a.agency.localeCompare(b.agency));
}
