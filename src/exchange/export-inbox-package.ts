/**
 * A delivered message as an edXML document package (QCVN 102), signed with the sending agency's
 * organisation key when this axis holds one (deps.organisationKey), unsigned otherwise. The hop
 * trail of the registry becomes TraceHeaderList.
 */
import type { ExchangeDeps } from './exchange-deps';
import { exportDocumentPackage } from './edxml-export';
import { signEdxml } from './edxml-signature';
import { getInboxMessage } from './inbox';

/** The edXML package of message `id` as delivered to `receiverCode`. */
export async function exportInboxPackage(deps: ExchangeDeps, receiverCode: string, id: string): Promise<string> {
  const m = await getInboxMessage(deps, receiverCode, id);
  const xml = exportDocumentPackage({
    envelope: m.envelope,
    trace: m.trace.map((t) => ({ organId: t.agency, at: new Date(t.at) })),
    attachments: m.attachments.map((a, i) => ({
      name: a.name, contentType: a.contentType, contentId: `${id}-${i}`, data: Buffer.from(a.contentBase64, 'base64'),
    })),
  }, id.replace(/-/g, '').slice(0, 8));
  const key = await deps.organisationKey?.(m.envelope.from.organId);
  return key ? signEdxml(xml, key) : xml;
}
