// Plain SVG charts for the demo page: horizontal bars, a latency histogram heat map and trace
// waterfalls. Text always goes in through textContent (span names come from the receiver).
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(width, height, label) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': label });
}

// One bar per item: [{label, value, text, kind}] where kind ('browser' | 'native') picks the
// colour and text is what is written at the bar's end.
export function barChart(items, { title }) {
  const rowH = 22, labelW = 190, width = 640, barW = width - labelW - 90;
  const s = svg(width, items.length * rowH + 8, title);
  const max = Math.max(...items.map((i) => i.value), 1e-9);
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    s.append(el('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'label' }, item.label));
    const w = item.value > 0 ? Math.max(1, (item.value / max) * barW) : 0;
    s.append(el('rect', { x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2, class: `bar ${item.kind}` }));
    s.append(el('text', { x: labelW + w + 6, y: y + 15, class: 'value' }, item.text));
  });
  return s;
}

// Rows of latency histogram buckets (the pipeline's bounds): each cell's shade is the share of
// that transport's export requests in the bucket.
export function latencyHeatmap(rows, bounds, { title }) {
  const rowH = 22, labelW = 190, cellW = 32, width = labelW + cellW * (bounds.length + 1) + 10;
  const s = svg(width, rows.length * rowH + 36, title);
  const names = [...bounds.map((b) => `<${b >= 1000 ? `${b / 1000}s` : b}`), `≥${bounds.at(-1) / 1000}s`];
  names.forEach((n, j) => s.append(el('text', { x: labelW + j * cellW + cellW / 2, y: rows.length * rowH + 22,
    'text-anchor': 'middle', class: 'axis' }, n)));
  s.append(el('text', { x: labelW + (cellW * names.length) / 2, y: rows.length * rowH + 34, 'text-anchor': 'middle',
    class: 'axis' }, 'export latency (ms) →'));
  rows.forEach((row, i) => {
    const y = 4 + i * rowH;
    s.append(el('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'label' }, row.label));
    const total = row.counts.reduce((a, b) => a + b, 0);
    row.counts.forEach((c, j) => {
      const share = total ? c / total : 0;
      const cell = el('rect', { x: labelW + j * cellW + 1, y: y + 2, width: cellW - 2, height: rowH - 4, rx: 2,
        class: `cell ${row.kind}`, 'fill-opacity': c ? 0.15 + 0.85 * share : 0.04 });
      cell.append(el('title', {}, `${row.label}: ${c} request${c === 1 ? '' : 's'} ${names[j]} ms`));
      s.append(cell);
    });
  });
  return s;
}

// One trace as a waterfall: a bar per span, indented by depth, placed on the trace's time axis.
export function waterfall(trace) {
  const rowH = 14, labelW = 150, width = 420, axisW = width - labelW - 8;
  const byId = new Map(trace.spans.map((sp) => [sp.spanId, sp]));
  const depth = (sp) => { let d = 0; for (let p = byId.get(sp.parentSpanId); p && d < 8; p = byId.get(p.parentSpanId)) d++; return d; };
  const spans = [...trace.spans].sort((a, b) => a.startUs - b.startUs || depth(a) - depth(b));
  const end = Math.max(...spans.map((sp) => sp.endUs), 1);
  const s = svg(width, spans.length * rowH + 4, `trace ${trace.traceId}`);
  spans.forEach((sp, i) => {
    const y = 2 + i * rowH, d = depth(sp);
    s.append(el('text', { x: 4 + d * 8, y: y + 10, class: 'wf-label' }, sp.name));
    const x = labelW + (sp.startUs / end) * axisW;
    const w = Math.max(1.5, ((sp.endUs - sp.startUs) / end) * axisW);
    const bar = el('rect', { x, y: y + 2, width: w, height: rowH - 4, rx: 1.5, class: sp.error ? 'wf-bar error' : 'wf-bar' });
    bar.append(el('title', {}, `${sp.name}: ${((sp.endUs - sp.startUs) / 1000).toFixed(2)} ms`));
    s.append(bar);
  });
  return s;
}
