/**
 * The citizen's path, in a real browser (Debian's chromium through playwright-core) against the
 * real service (startService, PGlite under a temporary DATA_DIR): a Quyết định signed personal
 * then organisation with the QR code; the URL decoded from the rendered page by zbarimg is opened;
 * the page shows the status and the issuer in Vietnamese; the authentic copy uploaded is
 * confirmed; a copy with one byte changed is refused. Screenshots go to test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startService, type RunningService } from '../../src/main';
import { signDocument, type SignDocumentDeps } from '../../src/documents/sign-document';
import { createStampKit, loadTinosFonts } from '../../src/stamp';
import { requireTool } from '../helpers/require-tool';

const root = join(__dirname, '..', '..');
const samples = join(root, 'samples');
const artifacts = join(root, 'test-artifacts');
const ready = requireTool('chromium', 'chromium') && requireTool('zbarimg', 'zbar-tools') && requireTool('pdftoppm', 'poppler-utils');

(ready ? describe : describe.skip)('citizen verification from the QR code, in Chromium', () => {
  let dir: string;
  let running: RunningService;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-e2e-'));
    mkdirSync(artifacts, { recursive: true });
    running = await startService(loadConfig({ PORT: '0', DATA_DIR: join(dir, 'data'), ADMIN_API_KEY: 'e2e-admin-key-0123456789', LOG_LEVEL: 'silent', ROLE: 'api' }));
    base = `http://127.0.0.1:${running.address!.port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the QR is scanned, then the page shows the document, confirms the authentic copy and refuses a changed one', async () => {
    const services = running.services;
    const deps: SignDocumentDeps = {
      keys: services.keys,
      stamp: await createStampKit(loadTinosFonts()),
      documents: { ...services.documents, publicBaseUrl: base },
    };
    const actor = { kind: 'agency' as const, agencyCode: '000.00.31.H40' };
    const personal = await signDocument(deps, {
      pdf: readFileSync(join(samples, 'quyet-dinh.pdf')), keyAlias: 'can-giuoc-chu-tich', actor,
      appearance: 'personal', signatureImage: readFileSync(join(samples, 'chu-ky-ca-nhan.png')), anchor: 'CHỦ TỊCH',
    });
    const signed = await signDocument(deps, {
      pdf: personal.bytes, keyAlias: 'org-can-giuoc', actor, appearance: 'organisation',
      sealImage: readFileSync(join(samples, 'con-dau-do.png')), qr: true,
      numberAndNotation: '125/QĐ-UBND', title: 'Về việc cấp giấy phép xây dựng', documentType: 'Quyết định',
    });
    const authentic = join(dir, 'quyet-dinh-signed.pdf');
    writeFileSync(authentic, signed.bytes);
    execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', authentic, join(dir, 'page')]);
    const url = execFileSync('zbarimg', ['-q', '--raw', join(dir, 'page.png')], { encoding: 'utf8' }).trim();
    expect(url).toBe(signed.document!.verificationUrl);
    expect(url.startsWith(`${base}/v/`)).toBe(true);

    const tampered = join(dir, 'quyet-dinh-changed.pdf');
    const copy = Buffer.from(signed.bytes);
    const at = Math.floor(personal.bytes.length / 2);
    copy[at] = copy[at] ^ 0x01;
    writeFileSync(tampered, copy);

    const page = await browser.newPage({ viewport: { width: 412, height: 915 } });
    await page.goto(url);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Còn hiệu lực');
    expect(text).toContain('Cơ quan ban hành');
    expect(text).toContain('000.00.31.H40');
    expect(text).toContain('125/QĐ-UBND');
    expect(text).toContain('Nguyễn Văn Hùng');
    await page.screenshot({ path: join(artifacts, 'e2e-citizen-page.png'), fullPage: true });

    await page.setInputFiles('input[name=file]', authentic);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await page.waitForSelector('text=trùng khớp');
    const confirmed = await page.locator('body').innerText();
    expect(confirmed).toContain('Tệp trùng khớp với bản gốc đã đăng ký');
    await page.screenshot({ path: join(artifacts, 'e2e-citizen-authentic.png'), fullPage: true });

    await page.goto(url);
    await page.setInputFiles('input[name=file]', tampered);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await page.waitForSelector('text=KHÔNG trùng khớp');
    const refused = await page.locator('body').innerText();
    expect(refused).toContain('Tệp KHÔNG trùng khớp với bản gốc đã đăng ký');
    expect(refused).not.toContain('Tệp trùng khớp với bản gốc đã đăng ký');
    await page.screenshot({ path: join(artifacts, 'e2e-citizen-changed.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
