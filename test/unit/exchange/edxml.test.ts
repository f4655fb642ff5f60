import { envelopeSchema } from '../../../src/exchange/envelope';
import { exportDocumentPackage, exportStatusPackage } from '../../../src/exchange/edxml-export';
import { importDocumentPackage, importStatusPackage } from '../../../src/exchange/edxml-import';
import { signEdxml, verifyEdxmlSignature } from '../../../src/exchange/edxml-signature';
import { EDXML_NS, parseXml, children } from '../../../src/exchange/edxml-format';
import { statusMessageSchema } from '../../../src/exchange/status-message';
import { sampleEnvelope } from './fixtures/sample-envelope';
import { makeLocalKeyHandle } from './fixtures/local-key-handle';

const pdf = Buffer.from('%PDF-1.7\n% fake body for structure tests\n%%EOF\n');
const pkg = () => ({
  envelope: envelopeSchema.parse(sampleEnvelope({ business: { docType: 0, reason: 'Văn bản điện tử mới' } })),
  trace: [{ organId: '000.00.14.H20', at: new Date('2026-06-02T01:02:03Z') }],
  attachments: [{ name: 'cong-van-808.pdf', contentType: 'application/pdf', contentId: '4c7f-uuid', data: pdf }],
});

describe('edXML document package', () => {
  test('when exported, then the structure follows QCVN 102: edXML: prefix, manifest, AttachmentEncoded outside the envelope', () => {
    const xml = exportDocumentPackage(pkg(), 'a1b2c3d4');
    const root = parseXml(xml);
    expect(root.localName).toBe('edXML');
    expect(root.namespaceURI).toBe(EDXML_NS);
    const [env, enc] = [children(root, 'edXMLEnvelope')[0], children(root, 'AttachmentEncoded')[0]];
    expect(env.prefix).toBe('edXML');
    expect(enc.prefix).toBeNull();
    expect(xml).toContain('<edXML:PromulgationDate>2026/06/02</edXML:PromulgationDate>');
    expect(xml).toContain('<edXML:DueDate>2026/06/30</edXML:DueDate>');
    expect(xml).toContain('<Timestamp>2026/06/02 08:02:03</Timestamp>');
    expect(xml).toContain('xlink:href="cid:4c7f-uuid"');
    expect(xml).toContain('<edXML:TraceHeaderList id="a1b2c3d4" version="1.0" mustUnderstand="1"');
    expect(xml).toContain('&quot;chữ ký số&quot; &lt;thử&gt;');
  });

  test('when exported then imported, then the envelope, trace and attachments round-trip', () => {
    const p = pkg();
    const back = importDocumentPackage(exportDocumentPackage(p));
    expect(back.envelope).toEqual(p.envelope);
    expect(back.trace).toEqual(p.trace);
    expect(back.attachments).toEqual([{ ...p.attachments[0], description: undefined }]);
  });

  test('when the root is in another namespace, then import refuses it', () => {
    const xml = exportDocumentPackage(pkg()).replace(/http:\/\/www\.mic\.gov\.vn\/TBT\/QCVN_102_2016/g, 'urn:other');
    expect(() => importDocumentPackage(xml)).toThrow(/namespace/);
  });

  test('when a date is in ISO form inside the package, then import still reads it; a broken date is refused', () => {
    const xml = exportDocumentPackage(pkg());
    expect(importDocumentPackage(xml.replace('2026/06/30', '2026-06-30')).envelope.dueDate).toBe('2026-06-30');
    expect(() => importDocumentPackage(xml.replace('2026/06/30', '30/06/2026'))).toThrow(/yyyy\/MM\/dd/);
  });
});

describe('edXML status package', () => {
  test('when exported then imported, then the status round-trips', () => {
    const status = statusMessageSchema.parse({
      from: { organId: '000.00.00.H20', organName: 'UBND tỉnh Đồng Tháp' },
      to: '000.00.14.H20',
      responseFor: { organId: '000.00.14.H20', code: '808/STTTT-VP', promulgationDate: '2026-06-02', documentId: '000.00.14.H20,2026/06/02,808/STTTT-VP' },
      staffInfo: { department: 'Văn phòng', staff: 'Trần Thị B' },
      statusCode: '03',
      description: 'Đã vào sổ',
      timestamp: '2026-06-03T09:00:00+07:00',
    });
    const xml = exportStatusPackage({ status, trace: [] });
    expect(xml).toContain('<edXML:StatusCode>03</edXML:StatusCode>');
    const back = importStatusPackage(xml);
    expect({ ...back.status, timestamp: new Date(back.status.timestamp).getTime() })
      .toEqual({ ...status, timestamp: new Date(status.timestamp).getTime() });
  });
});

describe('edXML signature', () => {
  test.each(['rsa', 'ec'] as const)('when signed with a %s KeyHandle, then it verifies; a changed byte breaks it', async (kind) => {
    const key = makeLocalKeyHandle(kind);
    const signed = await signEdxml(exportDocumentPackage(pkg()), key);
    expect(signed).toMatch(/<edXML:TraceHeaderList[\s\S]*<\/edXML:TraceHeaderList><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
    const ok = verifyEdxmlSignature(signed);
    expect(ok).toMatchObject({ isSigned: true, isValid: true, problem: null });
    expect(ok.certificate?.equals(key.certificate)).toBe(true);
    expect(importDocumentPackage(signed).envelope.documentId).toBe(pkg().envelope.documentId);
    const tampered = signed.replace('STTTT-VP</edXML:CodeNotation>', 'STTTT-VX</edXML:CodeNotation>');
    expect(verifyEdxmlSignature(tampered).isValid).toBe(false);
    const attachmentTampered = signed.replace(pdf.toString('base64'), Buffer.from('%PDF-1.7 other').toString('base64'));
    expect(verifyEdxmlSignature(attachmentTampered).isValid).toBe(false);
  });

  test('when a package has no signature, then verification says it is unsigned', () => {
    expect(verifyEdxmlSignature(exportDocumentPackage(pkg()))).toMatchObject({ isSigned: false, isValid: false });
  });
});
