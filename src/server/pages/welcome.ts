// The welcome page for browsers at GET / (SPEC §9.4 "an HTML status page with the same data"): what the
// calendar is, how to use it, live figures and the donation QR. One self-contained document: no script,
// no external asset; readable on a phone; every value from the stats object is escaped.
import type { CalendarStats } from '../stats.js';
import { withSeparators } from '../stats.js';
import { escapeHtml as h, formatBtc, formatDuration } from './format.js';
import { qrSvg } from './qr.js';
import { WELCOME_CSS } from './welcome-style.js';

/** Renders the whole page from the figures `collectStats` returns. Pure apart from a QR cache. */
export function renderWelcome(s: CalendarStats): string {
  const base = s.uri.replace(/\/+$/, '');
  const ok = s.health.ok;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>OpenTimestamps calendar ${h(hostOf(base))}</title>
<style>${WELCOME_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>OpenTimestamps calendar</h1>
<p class="uri"><code>${h(base)}</code></p>
<p class="badge ${ok ? 'ok' : 'bad'}" role="status">${ok ? 'Healthy: accepting and stamping digests' : 'Needs attention: stamping is delayed'}</p>
</header>
<main id="main">
<section aria-labelledby="about">
<h2 id="about">What this is</h2>
<p>This server is an <a href="https://opentimestamps.org">OpenTimestamps</a> calendar. It collects the
cryptographic digests (hashes) of files, commits to all of them in one Bitcoin transaction, and then gives
every submitter a proof that their file existed before that block was mined. It never sees your files,
only their hashes, and stamping is free.</p>
</section>
<section aria-labelledby="use">
<h2 id="use">How to use it</h2>
<p>With an OpenTimestamps client, naming this calendar:</p>
<pre><code>ots stamp -c ${h(base)} file.txt
ots upgrade file.txt.ots   # after the transaction has confirmed (hours)
ots verify file.txt.ots</code></pre>
<p>Or directly over HTTP, sending the SHA-256 digest of a file:</p>
<pre><code>sha256sum file.txt | cut -c1-64 | xxd -r -p \\
  | curl -s --data-binary @- \\
    ${h(base)}/digest &gt; file.txt.pending</code></pre>
<p>The answer is a pending proof (a bare timestamp); the Bitcoin proof can be fetched a few hours later.</p>
<p>These figures as JSON: <a href="/stats"><code>/stats</code></a> or
<code>curl -H 'Accept: application/json' ${h(base)}/</code>; for monitoring:
<a href="/metrics"><code>/metrics</code></a> and <a href="/health"><code>/health</code></a>.</p>
</section>
<section aria-labelledby="status">
<h2 id="status">Status</h2>
<dl>
${statusRows(s).map(([term, value]) => `<div><dt>${h(term)}</dt><dd>${value}</dd></div>`).join('\n')}
</dl>
</section>
${donation(s)}</main>
<footer>
<p>ots-calendar ${h(s.version)} · figures as of ${h(s.generatedAt.slice(0, 19).replace('T', ' '))} UTC</p>
</footer>
</body>
</html>
`;
}

/** Term and already-escaped HTML value of each status line. */
function statusRows(s: CalendarStats): [string, string][] {
  const rows: [string, string][] = [
    ['Network', h(s.network ?? 'none (calendar only)')],
    ['Pending commitments', h(withSeparators(s.calendar.pendingCommitments))],
  ];
  const st = s.stamper;
  if (st) {
    const tx = st.currentTx;
    rows.push([
      'Current transaction',
      tx
        ? `<code class="hash">${h(tx.txid)}</code><br>${h(confirmations(tx.confirmations))}` +
          (tx.priorVersions > 0 ? h(`, fee bumped ${tx.priorVersions}×`) : '') +
          (tx.feeSat !== null ? h(`, fee ${withSeparators(tx.feeSat)} sat`) : '')
        : 'none waiting',
    ]);
    if (st.minedTx && st.minedTx.txid !== tx?.txid) {
      rows.push([
        'Waiting for confirmations',
        `<code class="hash">${h(st.minedTx.txid)}</code><br>` +
          h(`in block ${withSeparators(st.minedTx.height)}, ${confirmations(st.minedTx.confirmations)}`),
      ]);
    }
    rows.push(['Last anchored block', blockHtml(st.lastAnchoredBlock, 'none yet')]);
    rows.push(['Best block', blockHtml(st.bestBlock, 'unknown')]);
    if (st.balanceSat !== null) rows.push(['Wallet balance', h(formatBtc(st.balanceSat))]);
    rows.push(['Stamper', h(stamperLine(s))]);
  }
  rows.push(['Uptime', h(formatDuration(s.uptimeSeconds))]);
  rows.push(['Version', h(s.version)]);
  return rows;
}

function donation(s: CalendarStats): string {
  if (!s.donationAddress) return '';
  const addr = s.donationAddress;
  return `<section aria-labelledby="donate">
<h2 id="donate">Support this calendar</h2>
<p>Every Bitcoin transaction this calendar makes costs a fee. Donations to this address keep it running:</p>
<figure>
${cachedQr(addr)}
<figcaption><code class="hash">${h(addr)}</code></figcaption>
</figure>
</section>
`;
}

function blockHtml(block: { height: number; hash: string | null } | null, none: string): string {
  if (!block) return h(none);
  return `${h(withSeparators(block.height))}` + (block.hash ? `<br><code class="hash">${h(block.hash)}</code>` : '');
}

function confirmations(n: number): string {
  return n === 0 ? 'unconfirmed' : `${n} confirmation${n === 1 ? '' : 's'}`;
}

function stamperLine(s: CalendarStats): string {
  const bad = Object.entries(s.health.components).filter(([, c]) => !c.ok);
  if (bad.length === 0) return s.health.components.stamper?.detail ?? s.stamper?.state ?? 'ok';
  return bad.map(([name, c]) => `${name}: ${c.detail}`).join('; ');
}

function hostOf(uri: string): string {
  try {
    return new URL(uri).host;
  } catch {
    return uri;
  }
}

// The donation address never changes while the daemon runs; drawing its QR once is enough.
let qrCache: { addr: string; svg: string } | undefined;
function cachedQr(addr: string): string {
  if (qrCache?.addr !== addr) qrCache = { addr, svg: qrSvg(`bitcoin:${addr}`, `QR code of the donation address ${addr}`) };
  return qrCache.svg;
}
