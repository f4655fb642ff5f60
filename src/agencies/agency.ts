/**
 * The agency directory's domain shape (issue 5 item 1) and its mapping from the `agencies` row.
 * The HMAC secret of push delivery never appears in views; only the exchange relay reads it.
 */
import type { Selectable } from 'kysely';
import type { AgenciesTable, DeliveryMode } from '../registry/tables';

/** How an agency receives relayed documents. */
export type Delivery = { mode: 'pull' } | { mode: 'push'; webhookUrl: string };

/** An agency as the API shows it. */
export interface Agency {
  code: string;
  name: string;
  parentCode: string | null;
  /** 'local' or the base URL of the peer axis that hosts it. */
  axis: string;
  delivery: Delivery;
  createdAt: string;
}

/** Maps a row to the public view (no secret). */
export function agencyFromRow(row: Selectable<AgenciesTable>): Agency {
  const delivery: Delivery =
    row.delivery_mode === 'push' && row.webhook_url ? { mode: 'push', webhookUrl: row.webhook_url } : { mode: 'pull' };
  return {
    code: row.code,
    name: row.name,
    parentCode: row.parent_code,
    axis: row.axis,
    delivery,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type { DeliveryMode };
