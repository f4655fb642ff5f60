/**
 * The signing use case end to end on the sample Quyết định: personal signature under the anchor
 * "CHỦ TỊCH", then the organisation signature with the registry's QR code placed over the personal
 * image, registered on PGlite. Judged by tools nobody here wrote: pdfsig (both signatures valid,
 * the last covers the whole file), pdftoppm pixels (the red seal covers the left third of the blue
 * signature image and nothing right of it), zbarimg (the QR decodes to the registry URL) and qpdf.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { signDocument, type SignDocumentDeps } from '../../src/documents/sign-document';
import { getDocument } from '../../src/documents/get-document';
import { loadKeyStoreFromFile } from '../../src/keys/load-key-store-fs';
import { openPdf } from '../../src/pdf';
import { openDatabase, type Database } from '../../src/registry/database';
import { createStampKit, findSignatureImage, loadTinosFonts, type Rect } from '../../src/stamp';
import { MemoryDocumentStore } from '../../src/storage/document-store';
import { listAuditEvents, verifyAuditChain } from '../../src/audit/audit-log';
import { hashAccessToken } from '../../src/documents/document-ids';
import { AppError } from '../../src/errors';
import { requireTool } from '../helpers/require-tool';

const root = join(__dirname, '..', '..');
const samples = join(root, 'samples');
const hasPdfsig = requireTool('pdfsig', 'poppler-utils');
const hasZbar = requireTool('zbarimg', 'zbar-tools');
const hasQpdf = requireTool('qpdf', 'qpdf');

(hasPdfsig ? describe : describe.skip)('signDocument: Decree 30 personal + organisation with QR, registered', () => {
  let dir: string;
  let database: Database;
  let deps: SignDocumentDeps;
  const keys = loadKeyStoreFromFile(join(root, 'certs-dev', 'index.json'));
  const actor = { kind: 'agency' as const, agencyCode: '000.00.31.H40' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-d30-sign-'));
    database = await openDatabase({ dataDir: ':memory:' });
    deps = {
      keys,
      stamp: await createStampKit(loadTinosFonts()),
      documents: { db: database.db, store: new MemoryDocumentStore(), publicBaseUrl: 'https://kyso.example.vn' },
    };
  });
  afterAll(async () => {
    await keys.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when signed personal (anchor) then organisation with QR, then pdfsig, pixels, zbarimg and qpdf agree', async () => {
    const input = readFileSync(join(samples, 'quyet-dinh.pdf'));
    const personal = await signDocument(deps, {
      pdf: input, keyAlias: 'can-giuoc-chu-tich', actor, appearance: 'personal',
      signatureImage: readFileSync(join(samples, 'chu-ky-ca-nhan.png')), anchor: 'CHỦ TỊCH',
    });
    expect(personal.document).toBeUndefined();
    const image = findSignatureImage(openPdf(personal.bytes)) as { image: Rect };
    expect(image).toBeDefined();

    const signed = await signDocument(deps, {
      pdf: personal.bytes, keyAlias: 'org-can-giuoc', actor, appearance: 'organisation',
      sealImage: readFileSync(join(samples, 'con-dau-do.png')), qr: true,
      numberAndNotation: '125/QĐ-UBND', title: 'Về việc cấp giấy phép xây dựng', documentType: 'Quyết định',
    });
    expect(signed.bytes.subarray(0, personal.bytes.length).equals(personal.bytes)).toBe(true);
    const reg = signed.document!;
    expect(reg.verificationUrl).toMatch(/^https:\/\/kyso\.example\.vn\/v\/VB-[0-9A-Z]{16}\?t=/);
    const stored = await getDocument(deps.documents!, { id: reg.id, actor });
    expect(stored.status).toBe('valid');
    expect(stored.sha256).toBe(reg.sha256);
    expect(stored.issuingAgencyCode).toBe('000.00.31.H40');
    expect(stored.signers.map((s) => s.name)).toEqual(['Nguyễn Văn Hùng', 'UBND huyện Cần Giuộc']);

    const file = join(dir, 'signed.pdf');
    writeFileSync(file, signed.bytes);
    let sig = '';
    try {
      sig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    } catch (e) {
      sig = String((e as { stdout?: string }).stdout ?? '');
    }
    expect(sig.match(/Signature is Valid/g)).toHaveLength(2);
    expect(sig.lastIndexOf('Total document signed')).toBeGreaterThan(sig.indexOf('Signature #2'));
    if (hasQpdf) expect(execFileSync('qpdf', ['--check', file], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors');

    const dpi = 100, k = dpi / 72, pageH = 841.89;
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-singlefile', file, join(dir, 'page')]);
    const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
    const count = (r: Rect, test: (r: number, g: number, b: number) => boolean) => {
      let n = 0;
      for (let y = Math.floor((pageH - r.y - r.height) * k); y < Math.ceil((pageH - r.y) * k); y++) {
        for (let x = Math.floor(r.x * k); x < Math.ceil((r.x + r.width) * k); x++) {
          const i = (y * png.width + x) * 4;
          if (test(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
        }
      }
      return n;
    };
    const red = (r: number, g: number, b: number) => r > 150 && r - g > 80 && r - b > 70;
    const blue = (r: number, g: number, b: number) => b > 120 && b - r > 60 && b - g > 40;
    const img = image.image, third = img.width / 3;
    expect(count({ ...img, width: third - 2 }, red)).toBeGreaterThan(100);
    expect(count({ ...img, x: img.x + third + 2, width: img.width - third - 2 }, red)).toBe(0);
    expect(count({ ...img, x: img.x + third + 2, width: img.width - third - 2 }, blue)).toBeGreaterThan(300);

    if (hasZbar) {
      execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file, join(dir, 'hi')]);
      expect(execFileSync('zbarimg', ['-q', '--raw', join(dir, 'hi.png')], { encoding: 'utf8' }).trim()).toBe(reg.verificationUrl);
    }
  });

  it('when the QR is asked without the number and title, then nothing is reserved and the request is refused', async () => {
    const before = await database.db.selectFrom('documents').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await expect(
      signDocument(deps, { pdf: readFileSync(join(samples, 'quyet-dinh.pdf')), keyAlias: 'org-can-giuoc', actor, appearance: 'organisation', sealImage: readFileSync(join(samples, 'con-dau-do.png')), anchor: 'CHỦ TỊCH', qr: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const after = await database.db.selectFrom('documents').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('when signing with the QR fails after the reservation, then nothing is left in the registry', async () => {
    const count = async (t: 'documents' | 'audit_events') =>
      Number((await database.db.selectFrom(t).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = { documents: await count('documents'), audit: await count('audit_events') };
    const failing: SignDocumentDeps = {
      ...deps,
      keys: {
        list: () => deps.keys.list(),
        get: async (alias: string) => {
          const key = await deps.keys.get(alias);
          return Object.assign(Object.create(key), { sign: async () => Promise.reject(new AppError('SIGN_FAILED', 'The token was removed')) });
        },
      },
    };
    await expect(
      signDocument(failing, {
        pdf: readFileSync(join(samples, 'quyet-dinh.pdf')), keyAlias: 'org-can-giuoc', actor, appearance: 'organisation',
        sealImage: readFileSync(join(samples, 'con-dau-do.png')), anchor: 'CHỦ TỊCH', qr: true, numberAndNotation: '126/QĐ-UBND', title: 'Thử',
      }),
    ).rejects.toMatchObject({ code: 'SIGN_FAILED', message: 'The token was removed' });
    expect({ documents: await count('documents'), audit: await count('audit_events') }).toEqual(before);
  });

  it('when a document is signed with the QR, then its complete row and one register event are written, and the event is sealed', async () => {
    const signed = await signDocument(deps, {
      pdf: readFileSync(join(samples, 'quyet-dinh.pdf')), keyAlias: 'org-can-giuoc', actor, appearance: 'organisation',
      sealImage: readFileSync(join(samples, 'con-dau-do.png')), anchor: 'CHỦ TỊCH', qr: true, numberAndNotation: '127/QĐ-UBND', title: 'Thử',
    });
    const id = signed.document!.id;
    const row = await database.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'valid', number_and_notation: '127/QĐ-UBND', issuing_agency_code: '000.00.31.H40' });
    expect(row.access_token_hash).toBe(hashAccessToken(new URL(signed.document!.verificationUrl).searchParams.get('t')!));
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, unsealed: 0 });
    const events = await listAuditEvents(database.db, 'document', id);
    expect(events.map((e) => e.action)).toEqual(['document.register']);
    expect(events[0].seq).not.toBeNull();
  });

  it('when an attachment is signed, then its block sits in the top-right corner and pdfsig finds it valid', async () => {
    const signed = await signDocument(deps, { pdf: readFileSync(join(samples, 'quyet-dinh.pdf')), keyAlias: 'org-can-giuoc', actor, appearance: 'attachment', numberAndNotation: '125/QĐ-UBND' });
    const [x1, y1, x2, y2] = signed.placement!.rect;
    expect(x2).toBeCloseTo(595.28 - 42.5, 0);
    expect(y2).toBeCloseTo(841.89 - 42.5, 0);
    expect(x1).toBeLessThan(x2);
    expect(y1).toBeLessThan(y2);
    const file = join(dir, 'attachment.pdf');
    writeFileSync(file, signed.bytes);
    expect(execFileSync('pdfsig', [file], { encoding: 'utf8' })).toContain('Signature is Valid');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('125/QĐ-UBND');
  });
});
