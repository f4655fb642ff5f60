import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/registry/database';
import { issueReceipt } from '../../src/receipts/issue-receipt';
import { requireTool } from '../helpers/require-tool';
import { TEST_DATABASE_URL, dropSchema } from '../helpers/test-db';
import { receiptsDeps, request, seedCatalog } from '../integration/receipts/receipts-test-deps';

const tools = ['pdfdetach', 'pdftoppm', 'zbarimg', 'pdfsig'].every((t) =>
  requireTool(t, t === 'zbarimg' ? 'zbar-tools' : 'poppler-utils'),
);
const maybe = tools ? test : test.skip;

describe('receipt PDF judged by poppler and zbar', () => {
  let database: Database;
  let schema: string;
  let dir: string;

  beforeAll(async () => {
    schema = `kyso_t_rpdf_${process.pid}_${randomBytes(4).toString('hex')}`;
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema });
    await seedCatalog(database);
    dir = mkdtempSync(path.join(tmpdir(), 'kyso-rpdf-'));
  });
  afterAll(async () => {
    await database.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  maybe('when a receipt is issued, then pdfdetach gives the signed XML byte for byte, zbarimg reads the lookup URL and pdfsig validates', async () => {
    const deps = receiptsDeps(database);
    const r = await issueReceipt(deps, request('interop-key-1'), 'test');
    const pdf = (await deps.store.get(r.pdfSha256))!;
    const xml = (await deps.store.get(r.xmlSha256))!;
    writeFileSync(path.join(dir, 'r.pdf'), pdf);

    const detach = spawnSync('pdfdetach', ['-save', '1', '-o', 'out.xml', 'r.pdf'], { cwd: dir, encoding: 'utf8' });
    expect(detach.status).toBe(0);
    expect(readFileSync(path.join(dir, 'out.xml')).equals(xml)).toBe(true);

    const render = spawnSync('pdftoppm', ['-r', '100', '-png', '-singlefile', 'r.pdf', 'page'], { cwd: dir });
    expect(render.status).toBe(0);
    const scan = spawnSync('zbarimg', ['-q', '--raw', 'page.png'], { cwd: dir, encoding: 'utf8' });
    expect(scan.stdout.trim()).toBe(r.lookupUrl);

    const sig = spawnSync('pdfsig', ['r.pdf'], { cwd: dir, encoding: 'utf8' });
    expect(sig.stdout).toContain('Signature is Valid');
    expect(sig.stdout).toContain('Total document signed');
    expect(sig.stdout).toContain('UBND huyện Cần Giuộc');

    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/AFRelationship \/Source/);
    expect(raw).toMatch(/\/AF \[/);
    expect(raw).toMatch(/\/EmbeddedFiles/);
  });

  /** pdftotext of the issued receipt's PDF, after checking pdfsig and the byte-identical XML. */
  async function issuedText(key: string, overrides: Parameters<typeof request>[1] = {}): Promise<{ text: string; lookupUrl: string; number: number; pdf: Buffer }> {
    const deps = receiptsDeps(database);
    const r = await issueReceipt(deps, request(key, overrides), 'test');
    const pdf = (await deps.store.get(r.pdfSha256))!;
    const xml = (await deps.store.get(r.xmlSha256))!;
    writeFileSync(path.join(dir, `${key}.pdf`), pdf);
    expect(spawnSync('pdfdetach', ['-save', '1', '-o', `${key}.xml`, `${key}.pdf`], { cwd: dir }).status).toBe(0);
    expect(readFileSync(path.join(dir, `${key}.xml`)).equals(xml)).toBe(true);
    expect(spawnSync('pdfsig', [`${key}.pdf`], { cwd: dir, encoding: 'utf8' }).stdout).toContain('Signature is Valid');
    const text = spawnSync('pdftotext', ['-layout', `${key}.pdf`, '-'], { cwd: dir, encoding: 'utf8' }).stdout;
    return { text, lookupUrl: r.lookupUrl, number: r.number, pdf };
  }

  maybe('when a receipt is issued, then pdftotext reads the Vietnamese text: title, number, payer, total in words, method, file name', async () => {
    const { text, number, pdf } = await issuedText('interop-text-1');
    expect(pdf.includes(Buffer.from('/KYSORR+'))).toBe(true); // the per-process template's cached subset
    const num = String(number).padStart(7, '0');
    for (const expected of ['BIÊN LAI THU PHÍ, LỆ PHÍ', `Số: ${num}`, 'Tên người nộp: Nguyễn Thị Hoa', 'Bảy mươi chín nghìn đồng', 'Hình thức thanh toán: Tiền mặt', '79.000 đồng', `-${num}.xml`]) {
      expect(text).toContain(expected);
    }
  });

  maybe('when the payer name holds letters outside the cached subsets, then the pdf-lib rendering draws them and the checks still hold', async () => {
    const { text, pdf } = await issuedText('interop-text-2', { payer: { name: 'Nguyễn Thị Hoa Ñandú Øster', personalId: '080190001234' } });
    expect(pdf.includes(Buffer.from('/KYSORR+'))).toBe(false);
    expect(text).toContain('Ñandú Øster');
  });
});
