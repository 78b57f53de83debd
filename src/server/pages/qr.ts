// Donation QR code as inline SVG for the welcome page (beyond SPEC §9.4, whose reference embeds a PNG):
// drawn server-side from the qrcode package's module matrix, so the page needs no script or image file.
import QRCode from 'qrcode';

/** Quiet zone around the symbol, in modules; the QR standard asks for 4. */
const QUIET_MODULES = 4;

/**
 * An `<svg>` QR code of `text` with `role="img"` and `label` as its accessible name. Dark modules are one
 * path of horizontal runs, which keeps a 34-character address to about 3 KB. Escapes `label`.
 */
export function qrSvg(text: string, label: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const full = size + 2 * QUIET_MODULES;
  let path = '';
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && modules.get(row, col)) col++;
      path += `M${start + QUIET_MODULES} ${row + QUIET_MODULES}h${col - start}v1h${start - col}z`;
    }
  }
  const name = escapeXml(label);
  // Fixed black on white whatever the page theme: scanners need the contrast.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" aria-label="${name}" ` +
    `shape-rendering="crispEdges" class="qr"><title>${name}</title>` +
    `<rect width="${full}" height="${full}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
