/**
 * HTML building blocks of the citizen pages: escaping, Vietnam-time formatting and the page
 * shell. Self-contained by design (issue 4 item 4: no scripts or fonts from elsewhere): inline
 * CSS only, system fonts (which carry Vietnamese diacritics on every phone), no JavaScript.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const VN_OFFSET_MS = 7 * 3600 * 1000;

/** ISO 8601 in Vietnam time: `2025-03-01T09:00:00+07:00` (Decree 30/2020 Appendix I). */
export function isoVietnam(iso: string | Date): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return String(iso);
  return `${new Date(t + VN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** `dd/mm/yyyy` in Vietnam time. */
export function dateVietnam(iso: string | Date): string {
  const s = isoVietnam(iso);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}` : s;
}

/** A SHA-256 hex split in groups of 8 so that people can compare it by eye. */
export function groupedHex(hex: string): string {
  return (hex.match(/.{1,8}/g) ?? []).join(' ');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;line-height:1.5;color:#1a1a1a;background:#f4f5f7}
main{max-width:44rem;margin:0 auto;padding:1rem}
header{background:#a50e0e;color:#fff;padding:.9rem 1rem}
header h1{margin:0;font-size:1.15rem}
header p{margin:.2rem 0 0;font-size:.85rem;opacity:.9}
section{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:1.05rem;margin:0 0 .6rem}
dl{margin:0}
dt{font-weight:600;font-size:.85rem;color:#555;margin-top:.6rem}
dd{margin:0;overflow-wrap:anywhere}
.status{font-weight:700;font-size:1.1rem;padding:.6rem .8rem;border-radius:.4rem}
.ok{background:#e6f4ea;color:#0b6b2b}
.bad{background:#fde8e8;color:#a50e0e}
.warn{background:#fff4e0;color:#8a4b00}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
.signer{border-top:1px solid #eee;padding-top:.5rem;margin-top:.5rem}
a.button,button{display:inline-block;background:#a50e0e;color:#fff;border:0;border-radius:.4rem;padding:.7rem 1rem;font-size:1rem;text-decoration:none;margin-top:.5rem}
input[type=file]{display:block;width:100%;margin:.5rem 0;font-size:1rem}
footer{text-align:center;font-size:.8rem;color:#666;padding:1rem}
`;

/** The page shell. `body` is trusted HTML built with {@link esc}. */
export function page(opts: { title: string; systemName: string; body: string }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${esc(opts.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Xác thực văn bản điện tử</h1><p>Hệ thống ${esc(opts.systemName)}</p></header>
<main>
${opts.body}
</main>
<footer>Trang tra cứu được cung cấp bởi hệ thống ${esc(opts.systemName)} theo Điều 18 Nghị định 45/2020/NĐ-CP.</footer>
</body>
</html>`;
}

/** Security headers of every citizen response: no caching (a revocation shows at once), no
 * referrer (the token is in the URL), no framing, nothing loaded from elsewhere. */
export const CITIZEN_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};
