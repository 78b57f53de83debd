// Small text helpers for the HTML pages (beyond SPEC §9.4): escaping and human-readable figures.

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `93784` seconds → `"1 d 2 h 3 min"`; the two largest units only, because visitors want a rough figure. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/** `100000` sat → `"0.00100000 BTC"`, exact (no floating point). */
export function formatBtc(sats: number): string {
  const whole = Math.trunc(Math.abs(sats));
  const text = `${Math.floor(whole / 1e8)}.${String(whole % 1e8).padStart(8, '0')} BTC`;
  return sats < 0 ? `-${text}` : text;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
