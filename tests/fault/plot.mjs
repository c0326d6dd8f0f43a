// A small SVG line plot: one panel per series, sharing the x axis (no plotting library is
// needed for a few lines).
const width = 560;
const height = 170;
const margin = { left: 64, right: 16, top: 26, bottom: 30 };

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/// `rows`: objects; `x`: the key of the x value; `panels`: [{title, keys: [key...], unit}].
export function svgPanels(rows, { x, xLabel, title, panels }) {
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const total = panels.length * height + 30;
  const xs = rows.map(r => r[x]);
  const xMax = niceMax(Math.max(1, ...xs));
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" ` +
    `font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`];
  panels.forEach((panel, index) => {
    const top = 30 + index * height;
    const values = rows.flatMap(r => panel.keys.map(k => r[k])).filter(v => Number.isFinite(v));
    const yMax = niceMax(Math.max(0, ...values));
    const px = v => margin.left + (v / xMax) * plotW;
    const py = v => top + margin.top + plotH - (v / yMax) * plotH;
    parts.push(`<text x="${margin.left}" y="${top + 16}" font-size="12">${escape(panel.title)}</text>`);
    parts.push(`<rect x="${margin.left}" y="${top + margin.top}" width="${plotW}" height="${plotH}" ` +
      'fill="none" stroke="#999"/>');
    for (let i = 0; i <= 4; ++i) {
      const v = (yMax * i) / 4;
      parts.push(`<text x="${margin.left - 6}" y="${py(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`);
      const t = (xMax * i) / 4;
      parts.push(`<text x="${px(t)}" y="${top + margin.top + plotH + 14}" text-anchor="middle">${+t.toPrecision(3)}</text>`);
    }
    parts.push(`<text x="${margin.left + plotW}" y="${top + height - 2}" text-anchor="end">${escape(xLabel)}</text>`);
    panel.keys.forEach((key, k) => {
      const points = rows.filter(r => Number.isFinite(r[key]))
        .map(r => `${px(r[x]).toFixed(1)},${py(r[key]).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${colors[k % colors.length]}" stroke-width="1.5" points="${points}"/>`);
      parts.push(`<text x="${margin.left + plotW - 4}" y="${top + margin.top + 12 + 12 * k}" text-anchor="end" ` +
        `fill="${colors[k % colors.length]}">${escape(key)}${panel.unit ? ' (' + escape(panel.unit) + ')' : ''}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
