// Inline stylesheet of the welcome page: fluid single column, system fonts, WCAG AA contrast in light and
// dark themes, long hashes wrap instead of widening the page on phones.

/** CSS placed in the page's `<style>` element (no external stylesheet, so nothing else to fetch). */
export const WELCOME_CSS = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--code:#f2f2f2;--link:#0b57d0;--line:#ddd;
--ok-fg:#0b5a26;--ok-bg:#e3f3e8;--bad-fg:#8c1d18;--bad-bg:#fce8e6}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#141414;--muted:#b5b5b5;--code:#242424;
--link:#9ec1ff;--line:#3a3a3a;--ok-fg:#b7ebc6;--ok-bg:#12361f;--bad-fg:#ffc9c4;--bad-bg:#4a1512}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;border-top:6px solid #f7931a;background:var(--bg)}
body{margin:0 auto;max-width:46rem;padding:1rem 1.25rem 2rem;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",
Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.25rem .5rem}
h1{font-size:1.75rem;line-height:1.2;margin:.75rem 0 .25rem}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
.uri{margin:0;color:var(--muted)}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{background:var(--code);padding:.75rem 1rem;border-radius:6px;overflow-x:auto;line-height:1.45}
.hash{overflow-wrap:anywhere;word-break:break-all}
.badge{display:inline-block;margin:.75rem 0 0;padding:.2rem .7rem;border-radius:999px;font-weight:600;font-size:.95rem}
.badge.ok{color:var(--ok-fg);background:var(--ok-bg)}
.badge.bad{color:var(--bad-fg);background:var(--bad-bg)}
dl{margin:0}
dl>div{display:flex;flex-wrap:wrap;gap:0 1rem;padding:.45rem 0;border-bottom:1px solid var(--line)}
dt{flex:0 0 12rem;font-weight:600}
dd{flex:1 1 16rem;margin:0;min-width:0}
figure{margin:1rem 0;display:flex;flex-wrap:wrap;align-items:center;gap:1rem}
.qr{width:12rem;height:12rem;max-width:100%;border-radius:4px}
figcaption{flex:1 1 14rem;min-width:0}
footer{margin-top:2rem;color:var(--muted);font-size:.9rem}
`;
