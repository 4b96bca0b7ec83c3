// A small hand-written SVG line chart (no dependency): x categories, one or more series, an
// optional dashed target line. Good enough for "how does this grow" pictures in the README.

export interface Series {
  name: string;
  values: number[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  x: (string | number)[];
  series: Series[];
  /** A horizontal dashed line, e.g. the target. */
  target?: { value: number; label: string };
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];
const W = 640;
const H = 360;
const PAD = { left: 70, right: 20, top: 40, bottom: 60 };

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const label = (n: number): string =>
  n >= 1000 ? `${Number((n / 1000).toFixed(n % 1000 === 0 ? 0 : 1))}k` : String(n);

export function lineChart(c: LineChart): string {
  const all = c.series.flatMap((s) => s.values).filter(Number.isFinite);
  const yMax = niceMax(Math.max(...all, c.target?.value ?? 0) * 1.05);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const xAt = (i: number) =>
    PAD.left + (c.x.length === 1 ? plotW / 2 : (i * plotW) / (c.x.length - 1));
  const yAt = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(c.title)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    const y = yAt(v);
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 8}" y="${y + 4}" text-anchor="end" fill="#374151">${label(Number(v.toPrecision(3)))}</text>`,
    );
  }
  c.x.forEach((x, i) =>
    parts.push(
      `<text x="${xAt(i)}" y="${PAD.top + plotH + 18}" text-anchor="middle" fill="#374151">${esc(String(x))}</text>`,
    ),
  );
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${H - 14}" text-anchor="middle" fill="#111">${esc(c.xLabel)}</text>`,
    `<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">${esc(c.yLabel)}</text>`,
  );
  if (c.target) {
    const y = yAt(c.target.value);
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#6b7280" stroke-dasharray="6 4"/>`,
      `<text x="${W - PAD.right}" y="${y - 6}" text-anchor="end" fill="#6b7280">${esc(c.target.label)}</text>`,
    );
  }
  c.series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length] ?? '#000';
    const pts = s.values
      .map((v, i) => (Number.isFinite(v) ? `${xAt(i)},${yAt(v)}` : undefined))
      .filter((p): p is string => p !== undefined);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.join(' ')}"/>`,
      ...pts.map((p) => {
        const [x, y] = p.split(',');
        return `<circle cx="${x}" cy="${y}" r="4" fill="${color}"/>`;
      }),
      `<rect x="${PAD.left + 10}" y="${PAD.top + 6 + si * 18}" width="12" height="12" fill="${color}"/>`,
      `<text x="${PAD.left + 28}" y="${PAD.top + 16 + si * 18}" fill="#111">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
