/**
 * Writes the exchange samples from the development PKI (NOT for production):
 *   envelope.json           the JSON envelope of POST /api/v1/exchange/messages
 *   status.json             the body of POST /api/v1/exchange/messages/:id/status
 *   cong-van-signed.pdf     samples/quyet-dinh.pdf signed by org-stttt-long-an (000.00.14.H40)
 *   document-package.edxml  the edXML document package, XML-signed with the same organisation key
 *   status-package.edxml    an edXML status package (03, accepted), signed by org-ubnd-thanh-hoa
 * Run: node bin/run-ts.js samples/exchange/make-samples.ts
 * Check: xmlsec1 --verify --pubkey-cert-pem certs-dev/org-stttt-long-an.crt samples/exchange/document-package.edxml
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadKeyStoreFromFile } from '../../src/keys/load-key-store-fs';
import { signPdf } from '../../src/signing/sign-pdf';
import { envelopeSchema } from '../../src/exchange/envelope';
import { statusMessageSchema } from '../../src/exchange/status-message';
import { exportDocumentPackage, exportStatusPackage } from '../../src/exchange/edxml-export';
import { signEdxml } from '../../src/exchange/edxml-signature';

const root = path.resolve(__dirname, '../..');
const out = (name: string) => path.join(__dirname, name);

async function main(): Promise<void> {
  const keys = loadKeyStoreFromFile(path.join(root, 'certs-dev/index.json'));
  const sender = await keys.get('org-stttt-long-an');
  const receiver = await keys.get('org-ubnd-thanh-hoa');
  const envelopeInput = {
    from: { organId: '000.00.14.H40', organName: 'Sở Thông tin và Truyền thông tỉnh Long An', email: 'stttt@longan.gov.vn' },
    to: [{ organId: '000.00.00.H56', organName: 'UBND tỉnh Thanh Hóa' }, { organId: '000.00.31.H40', organName: 'UBND huyện Cần Giuộc' }],
    code: { number: '808', notation: 'STTTT-VP' },
    promulgation: { place: 'Long An', date: '2026-11-22' },
    documentType: { type: 1, typeName: 'Công văn', typeDetail: 0 },
    subject: 'V/v triển khai kết nối trục liên thông văn bản quốc gia',
    signerInfo: { competence: 'KT', position: 'Phó Giám đốc', fullName: 'Nguyễn Văn An' },
    dueDate: '2026-12-15',
    toPlaces: ['Như trên', 'Lưu: VT, VP'],
    otherInfo: { priority: 1, pageAmount: 1 },
    steeringType: 1,
    business: { docType: 0, reason: 'Văn bản điện tử mới' },
  };
  const envelope = envelopeSchema.parse(envelopeInput);
  writeFileSync(out('envelope.json'), `${JSON.stringify(envelopeInput, null, 2)}\n`);
  const signed = await signPdf(readFileSync(path.join(root, 'samples/quyet-dinh.pdf')), sender, { reason: 'Ban hành văn bản', location: 'Long An'});
  const pdf = Buffer.concat(signed.parts);
  writeFileSync(out('cong-van-signed.pdf'), pdf);
  const documentXml = exportDocumentPackage({
    envelope,
    trace: [{ organId: '000.00.14.H40', at: new Date('2026-11-22T02:05:00Z') }],
    attachments: [{ name: 'cong-van-808.pdf', contentType: 'application/pdf', contentId: '6f1c2b8e-808', data: pdf }],
  }, '6f1c2b8e');
  writeFileSync(out('document-package.edxml'), await signEdxml(documentXml, sender));
  const statusInput = { code: '03', description: 'Đã tiếp nhận, vào sổ văn bản đến', staffInfo: { department: 'Văn phòng UBND tỉnh', staff: 'Trần Thị Bình' } };
  writeFileSync(out('status.json'), `${JSON.stringify(statusInput, null, 2)}\n`);
  const status = statusMessageSchema.parse({
    from: { organId: '000.00.00.H56', organName: 'UBND tỉnh Thanh Hóa' }, to: '000.00.14.H40',
    responseFor: { organId: '000.00.14.H40', code: '808/STTTT-VP', promulgationDate: '2026-11-22', documentId: envelope.documentId },
    staffInfo: statusInput.staffInfo, statusCode: '03', description: statusInput.description, timestamp: '2026-11-22T09:30:00+07:00',
  });
  writeFileSync(out('status-package.edxml'), await signEdxml(exportStatusPackage({ status, trace: [] }, '9a0b1c2d'), receiver));
  await keys.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
