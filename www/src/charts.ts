// Small SVG charts for the charts panel, built with createElementNS: every label goes in
// through textContent (a <text> or a <title> tooltip), attributes are numbers and class
// names only, and colours come from the stylesheet (so dark mode applies). No library.

const SVG = "http://www.w3.org/2000/svg";

type Attrs = Record<string, string | number>;

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, typeof value === "number" ? String(Math.round(value * 100) / 100) : value);
  if (text !== undefined) el.textContent = text;
  return el;
}

function frame(width: number, height: number, label: string): SVGSVGElement {
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "chart", role: "img" });
  svg.setAttribute("aria-label", label);
  svg.appendChild(svgEl("title", {}, label));
  return svg;
}

/** A tooltip for `el`. */
function tip(el: SVGElement, text: string): SVGElement {
  el.appendChild(svgEl("title", {}, text));
  return el;
}


/** The font of `.chart text` in panels.css, for measuring labels before they are drawn. */
const LABEL_FONT = "11px system-ui, sans-serif";
let measurer: CanvasRenderingContext2D | null | undefined;

/** The drawn width of a label (an estimate where canvas text is unavailable). */
export function labelWidth(text: string): number {
  measurer ??= document.createElement("canvas").getContext("2d");
  if (!measurer) return text.length * 7;
  measurer.font = LABEL_FONT;
  return Math.ceil(measurer.measureText(text).width);
}

/**
 * `text`, shortened in the middle ("a_long_t…name_2") until it is at most `px` wide, so
 * names that share a prefix stay apart.
 */
export function fitLabel(text: string, px: number): string {
  if (labelWidth(text) <= px) return text;
  const cut = (n: number) => `${text.slice(0, Math.ceil(n / 2))}…${text.slice(text.length - Math.floor(n / 2))}`;
  let n = Math.min(text.length - 1, Math.ceil(px / 4));
  while (n > 1 && labelWidth(cut(n)) > px) n--;
  return cut(n);
}

/** Where a centred label of width `w` goes so it stays within [min, max]. */
const within = (centre: number, w: number, min: number, max: number) => Math.min(Math.max(centre, min + w / 2), max - w / 2);

/** A compact number: 1234 → "1.2k", 0.00123 → "0.0012". */
export function compact(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  if (a >= 1) return v.toFixed(2);
  return v === 0 ? "0" : v.toPrecision(2);
}

export interface BarRow {
  label: string;
  /** Stacked parts, drawn left to right with the classes in `parts`. */
  values: number[];
  /** The text after the bar (defaults to the total, compact). */
  note?: string;
}

/** Horizontal stacked bars, one row per label (tokens by model, tool calls and failures). */
export function barChart(opts: { title: string; rows: BarRow[]; parts: { name: string; cls: string }[]; width?: number }): SVGSVGElement {
  const width = opts.width ?? 560;
  const rowH = 22;
  const labelW = 170;
  const notes = opts.rows.map((r) => r.note ?? compact(r.values.reduce((s, v) => s + v, 0)));
  const noteW = Math.max(60, ...notes.map(labelWidth)) + 12;
  const legendH = 20;
  const height = legendH + Math.max(1, opts.rows.length) * rowH + 6;
  const svg = frame(width, height, opts.title);
  legend(svg, opts.parts, labelW);
  const max = Math.max(1e-12, ...opts.rows.map((r) => r.values.reduce((s, v) => s + Math.max(0, v), 0)));
  const barW = width - labelW - noteW;
  opts.rows.forEach((row, i) => {
    const y = legendH + i * rowH;
    // The full label as the tooltip of a group, so the <text> holds only what is shown.
    const label = tip(svgEl("g"), row.label);
    label.appendChild(svgEl("text", { x: labelW - 6, y: y + 15, class: "chart-label", "text-anchor": "end" }, fitLabel(row.label, labelW - 12)));
    svg.appendChild(label);
    let x = labelW;
    row.values.forEach((v, k) => {
      const w = (Math.max(0, v) / max) * barW;
      const part = opts.parts[k] ?? { name: "", cls: "" };
      svg.appendChild(tip(svgEl("rect", { x, y: y + 4, width: Math.max(w, v > 0 ? 1 : 0), height: rowH - 8, class: `chart-bar ${part.cls}` }), `${row.label} · ${part.name}: ${v}`));
      x += w;
    });
    svg.appendChild(svgEl("text", { x: x + 6, y: y + 15, class: "chart-value" }, notes[i]!));
  });
  if (opts.rows.length === 0) svg.appendChild(svgEl("text", { x: labelW, y: legendH + 15, class: "chart-empty" }, "No data"));
  return svg;
}

function legend(svg: SVGSVGElement, parts: { name: string; cls: string }[], x0: number): void {
  let x = x0;
  for (const p of parts) {
    if (!p.name) continue;
    svg.appendChild(svgEl("rect", { x, y: 4, width: 10, height: 10, class: `chart-bar ${p.cls}` }));
    svg.appendChild(svgEl("text", { x: x + 14, y: 13, class: "chart-legend" }, p.name));
    x += 24 + p.name.length * 7;
  }
}

export interface Column {
  /** Axis label (shown for a few columns) and tooltip title. */
  label: string;
  values: number[];
}

/** Vertical stacked columns over an ordered axis (time buckets, histogram bins). */
export function columnChart(opts: {
  title: string;
  columns: Column[];
  parts: { name: string; cls: string }[];
  /** Vertical marker lines at fractional column positions (p50/p95/p99). */
  markers?: { label: string; at: number; cls: string }[];
  format?: (v: number) => string;
  width?: number;
  height?: number;
}): SVGSVGElement {
  const width = opts.width ?? 560;
  const height = opts.height ?? 200;
  const fmt = opts.format ?? compact;
  const max = Math.max(1e-12, ...opts.columns.map((c) => c.values.reduce((s, v) => s + Math.max(0, v), 0)));
  const ticks = [0, 0.5, 1].map((f) => ({ f, text: fmt(max * f) }));
  // The gutter fits the widest axis label ("$0.000021" needs more than "12k").
  const left = Math.max(36, ...ticks.map((t) => labelWidth(t.text))) + 10;
  const top = 22;
  const bottom = 34;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const svg = frame(width, height, opts.title);
  legend(svg, opts.parts, left);
  const n = Math.max(1, opts.columns.length);
  // Axis: zero, half and max.
  for (const { f, text } of ticks) {
    const y = top + plotH * (1 - f);
    svg.appendChild(svgEl("line", { x1: left, x2: left + plotW, y1: y, y2: y, class: "chart-grid" }));
    svg.appendChild(svgEl("text", { x: left - 4, y: y + 4, class: "chart-axis", "text-anchor": "end" }, text));
  }
  const colW = plotW / n;
  const every = Math.max(1, Math.ceil(n / 6));
  opts.columns.forEach((col, i) => {
    let y = top + plotH;
    const x = left + i * colW;
    col.values.forEach((v, k) => {
      const h = (Math.max(0, v) / max) * plotH;
      y -= h;
      const part = opts.parts[k] ?? { name: "", cls: "" };
      const detail = opts.parts.length > 1 ? `${part.name}: ${fmt(v)}` : fmt(v);
      svg.appendChild(tip(svgEl("rect", { x: x + 1, y, width: Math.max(1, colW - 2), height: h, class: `chart-bar ${part.cls}` }), `${col.label} · ${detail}`));
    });
    if (i % every === 0) {
      const text = fitLabel(col.label, Math.max(60, colW * every - 4));
      svg.appendChild(svgEl("text", { x: within(x + colW / 2, labelWidth(text), 0, width), y: top + plotH + 14, class: "chart-axis", "text-anchor": "middle" }, text));
    }
  });
  (opts.markers ?? []).forEach((m, k) => {
    const x = left + Math.min(n, Math.max(0, m.at)) * colW;
    svg.appendChild(tip(svgEl("line", { x1: x, x2: x, y1: top, y2: top + plotH, class: `chart-marker ${m.cls}` }), m.label));
    // Labels step down so that close percentiles stay readable.
    const nearEnd = x > left + plotW * 0.7;
    svg.appendChild(svgEl("text", { x: nearEnd ? x - 3 : x + 3, y: top + 10 + k * 12, class: `chart-marker-label ${m.cls}`, "text-anchor": nearEnd ? "end" : "start" }, m.label));
  });
  if (opts.columns.length === 0) svg.appendChild(svgEl("text", { x: left + 8, y: top + plotH / 2, class: "chart-empty" }, "No data"));
  return svg;
}
