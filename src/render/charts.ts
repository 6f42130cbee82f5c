/**
 * SVG charts for the Markdown report, drawn from the JSON alone: the same
 * report always gives the same bytes. No background, mid-grey text and
 * saturated lines, so they read on GitHub's light and dark themes alike.
 *
 * - `throughput`: bytes per second against message size, per transport (log-log).
 * - `ratio`: each transport's time over the ring's, against message size (log-log).
 * - `latency`: round-trip percentiles per transport, one panel per message size (log).
 *
 * @module
 */

import { supportedPercentile } from "../stats/histogram.ts";
import type { Comparison, Report, ResultEntry } from "../report/report.ts";
import { formatSize, transportLabel } from "../plan/series.ts";

/** The charts of a report; null where the report has nothing to draw. */
export interface Charts {
  /** Bytes per second by message size, or null. */
  throughput: string | null;
  /** Time relative to the ring by message size, or null. */
  ratio: string | null;
  /** Round-trip percentiles per size, or null. */
  latency: string | null;
}

const TEXT = "#888888";
/** Set once on the chart's group and inherited by every text (lines and paths set their own). */
const FONT = `font-family="sans-serif" font-size="12" fill="${TEXT}"`;
const PALETTE = ["#1f77b4", "#e6550d", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2"];

/** A stable colour per transport name, by its position in the report. */
function colorOf(report: Report, transport: string): string {
  const index = report.parameters.transports.indexOf(transport);
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const num = (v: number) => Number(v.toFixed(1)).toString();

/** One line of a chart. */
interface Line {
  label: string;
  color: string;
  dashed: boolean;
  points: [x: number, y: number][];
  /** Error bars: at x, from low to high (the ratio-over-time chart's CIs). */
  errors?: [x: number, low: number, high: number][];
}

/** A panel: log-scaled axes unless said otherwise, categorical x when `xLabels` is given. */
interface Panel {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Ticks on x: positions (in data units) and labels. */
  xTicks: { at: number; label: string }[];
  xLog: boolean;
  yFormat: (v: number) => string;
  lines: Line[];
  /**
   * Categorical x (message sizes): a line does not cross an x tick it has no point at, so a
   * size that was not measured shows as a gap, not as a straight line through it.
   */
  breakAtGaps?: boolean;
  /** Vertical dashed lines across the panel at x, labelled, with details as a tooltip. */
  marks?: { at: number; label: string; details: string }[];
}

/**
 * Ticks of a log axis spanning [min, max]: powers of ten when the data spans
 * several decades, else 1-2-5 steps, else 1-2-3-...-9 steps, so a range such
 * as 35 to 83 gets 30, 40, 50, ... 90 rather than only 10 and 100.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logTicks } from "./charts.ts";
 * assert.deepEqual(logTicks(35, 83), [30, 40, 50, 60, 70, 80, 90]);
 * assert.deepEqual(logTicks(3, 4000), [1, 10, 100, 1000, 10000]);
 * assert.deepEqual(logTicks(12, 180), [10, 20, 50, 100, 200]);
 * ```
 */
export function logTicks(min: number, max: number): number[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  for (const steps of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const all: number[] = [];
    for (let e = low; e <= high; e++) {
      for (const m of steps) all.push(Number((m * 10 ** e).toPrecision(6)));
    }
    const from = all.findLastIndex((t) => t <= min * (1 + 1e-9));
    const to = all.findIndex((t) => t >= max * (1 - 1e-9));
    const ticks = all.slice(Math.max(0, from), to < 0 ? all.length : to + 1);
    if (ticks.length >= 4 || steps.length === 9) {
      return ticks.length >= 2 ? ticks : [ticks[0], ticks[0] * 10];
    }
  }
  return [min, max];
}

function drawPanel(panel: Panel, x0: number, y0: number, width: number, height: number): string {
  const left = 78, right = 12, top = 24, bottom = 40;
  const w = width - left - right, h = height - top - bottom;
  const ys = panel.lines.flatMap((l) => [
    ...l.points.map((p) => p[1]),
    ...(l.errors ?? []).flatMap((e) => [e[1], e[2]]),
  ]).filter((v) => v > 0 && Number.isFinite(v));
  const xsAll = panel.xTicks.map((t) => t.at);
  if (ys.length === 0 || xsAll.length === 0) return "";
  const yTicks = logTicks(Math.min(...ys), Math.max(...ys));
  const [yMin, yMax] = [Math.log10(yTicks[0]), Math.log10(yTicks[yTicks.length - 1])];
  const fx = (v: number) => (panel.xLog ? Math.log2(v) : v);
  const [xMin, xMax] = [Math.min(...xsAll.map(fx)), Math.max(...xsAll.map(fx))];
  const sx = (v: number) =>
    x0 + left + (xMax === xMin ? w / 2 : ((fx(v) - xMin) / (xMax - xMin)) * w);
  const sy = (v: number) => y0 + top + h - ((Math.log10(v) - yMin) / (yMax - yMin)) * h;
  const parts: string[] = [];
  parts.push(
    `<text x="${num(x0 + left)}" y="${num(y0 + 14)}" font-weight="bold">${
      escapeXml(panel.title)
    }</text>`,
  );
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(
      `<line x1="${num(x0 + left)}" y1="${num(y)}" x2="${num(x0 + left + w)}" y2="${
        num(y)
      }" stroke="${TEXT}" stroke-opacity="0.3"/>`,
      `<text x="${num(x0 + left - 6)}" y="${num(y + 4)}" text-anchor="end">${
        escapeXml(panel.yFormat(t))
      }</text>`,
    );
  }
  for (const t of panel.xTicks) {
    const x = sx(t.at);
    parts.push(
      `<line x1="${num(x)}" y1="${num(y0 + top + h)}" x2="${num(x)}" y2="${
        num(y0 + top + h + 4)
      }" stroke="${TEXT}"/>`,
      `<text x="${num(x)}" y="${num(y0 + top + h + 18)}" text-anchor="middle">${
        escapeXml(t.label)
      }</text>`,
    );
  }
  parts.push(
    `<line x1="${num(x0 + left)}" y1="${num(y0 + top + h)}" x2="${num(x0 + left + w)}" y2="${
      num(y0 + top + h)
    }" stroke="${TEXT}"/>`,
    `<text x="${num(x0 + left + w / 2)}" y="${num(y0 + height - 6)}" text-anchor="middle">${
      escapeXml(panel.xTitle)
    }</text>`,
    `<text transform="translate(${num(x0 + 14)} ${
      num(y0 + top + h / 2)
    }) rotate(-90)" text-anchor="middle">${escapeXml(panel.yTitle)}</text>`,
  );
  for (const mark of panel.marks ?? []) {
    const x = num(sx(mark.at));
    parts.push(
      `<g><title>${escapeXml(mark.details)}</title>` +
        `<line x1="${x}" y1="${num(y0 + top)}" x2="${x}" y2="${
          num(y0 + top + h)
        }" stroke="${TEXT}" ` +
        `stroke-opacity="0.6" stroke-dasharray="3 3"/>` +
        `<text x="${num(Number(x) + 3)}" y="${num(y0 + top + 10)}" font-size="10">${
          escapeXml(mark.label)
        }</text></g>`,
    );
  }
  const ticksBetween = (a: number, b: number) => xsAll.some((t) => t > a && t < b);
  for (const line of panel.lines) {
    const pts = line.points.filter((p) => p[1] > 0 && Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => {
      const joined = i > 0 && !(panel.breakAtGaps && ticksBetween(pts[i - 1][0], p[0]));
      return `${joined ? "L" : "M"}${num(sx(p[0]))} ${num(sy(p[1]))}`;
    }).join(" ");
    const dash = line.dashed ? ` stroke-dasharray="6 4"` : "";
    parts.push(`<path d="${d}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>`);
    for (const p of pts) {
      parts.push(
        `<circle cx="${num(sx(p[0]))}" cy="${num(sy(p[1]))}" r="3" fill="${line.color}"/>`,
      );
    }
    for (const [x, low, high] of line.errors ?? []) {
      if (!(low > 0 && high > 0)) continue;
      const [cx, y1, y2] = [num(sx(x)), num(sy(low)), num(sy(high))];
      parts.push(
        `<path d="M${cx} ${y1} V${y2} M${Number(cx) - 4} ${y1} h8 M${
          Number(cx) - 4
        } ${y2} h8" fill="none" stroke="${line.color}" stroke-width="1.5"/>`,
      );
    }
  }
  return parts.join("\n");
}

function legend(lines: Line[], x: number, y: number): string {
  return lines.map((line, i) => {
    const ly = y + i * 18;
    const dash = line.dashed ? ` stroke-dasharray="6 4"` : "";
    return `<line x1="${x}" y1="${ly - 4}" x2="${x + 24}" y2="${
      ly - 4
    }" stroke="${line.color}" stroke-width="2"${dash}/>` +
      `<text x="${x + 30}" y="${ly}">${escapeXml(line.label)}</text>`;
  }).join("\n");
}

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${
    escapeXml(title)
  }">
<title>${escapeXml(title)}</title>
<g ${FONT}>
${body}
</g>
</svg>
`;
}

/** Lines of one mode, one per transport and placement, with y from `value`, x the message size. */
function sizeLines(
  report: Report,
  results: ResultEntry[],
  value: (r: ResultEntry) => number | null,
): Line[] {
  // One line per transport and engine (a deno series is not a point on the native line).
  const name = transportLabel;
  const keys = [...new Set(results.map((r) => `${name(r)}\u0000${r.placement}`))];
  return keys.map((key) => {
    const [named, placement] = key.split("\u0000");
    const mine = results.filter((r) => name(r) === named && r.placement === placement)
      .sort((a, b) => a.sizeBytes - b.sizeBytes);
    const transport = mine[0].transport;
    return {
      label: `${named} (${placement})`,
      color: colorOf(report, transport),
      dashed: placement === "same",
      points: mine.map((r) => [r.sizeBytes, value(r) ?? 0] as [number, number]),
    };
  }).filter((l) => l.points.some((p) => p[1] > 0));
}

function sizeTicks(results: ResultEntry[]): { at: number; label: string }[] {
  return [...new Set(results.map((r) => r.sizeBytes))].sort((a, b) => a - b)
    .map((size) => ({ at: size, label: formatSize(size) }));
}

const bytesFormat = (v: number) => {
  const units = ["B/s", "kB/s", "MB/s", "GB/s", "TB/s"];
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit++;
  }
  return `${num(v)} ${units[unit]}`;
};

const nsFormat = (v: number) =>
  v >= 1e9
    ? `${num(v / 1e9)} s`
    : v >= 1e6
    ? `${num(v / 1e6)} ms`
    : v >= 1e3
    ? `${num(v / 1e3)} µs`
    : `${num(v)} ns`;

const ratioFormat = (v: number) => `${num(v)}×`;

function throughputChart(report: Report): string | null {
  const stream = report.results.filter((r) => r.mode === "stream");
  const lines = sizeLines(report, stream, (r) => r.throughput.bytesPerSecond);
  if (lines.length === 0 || sizeTicks(stream).length < 2) return null;
  const title = "Streaming throughput by message size (log-log)";
  const panel: Panel = {
    title,
    xTitle: "message size",
    yTitle: "bytes per second",
    xTicks: sizeTicks(stream),
    xLog: true,
    yFormat: bytesFormat,
    lines,
    breakAtGaps: true,
  };
  return svg(720, 380, title, drawPanel(panel, 0, 0, 560, 380) + "\n" + legend(lines, 572, 40));
}

function ratioChart(report: Report): string | null {
  // The native transports against the native ring: the deno engine has 8-byte streams only,
  // and its ratios are in the tables.
  const nativeRatios = report.comparisons.filter((c) =>
    c.name !== "deno/native" && (c.engine ?? "native") === "native"
  );
  const lines: Line[] = [];
  const modes = [...new Set(nativeRatios.map((c) => c.mode))];
  for (const mode of modes) {
    // One line per transport, placement and (file server) depth: depths never join.
    const keyOf = (c: Comparison) =>
      `${c.numerator}\u0000${c.placement}\u0000${c.queueDepth ?? ""}`;
    const keys = [...new Set(nativeRatios.filter((c) => c.mode === mode).map(keyOf))];
    for (const key of keys) {
      const [numerator, placement, depth] = key.split("\u0000");
      const mine = nativeRatios.filter((c) => c.mode === mode && keyOf(c) === key)
        .sort((a, b) => a.sizeBytes - b.sizeBytes);
      lines.push({
        label: `${numerator}/shm ${mode}${depth === "" ? "" : ` depth ${depth}`} (${placement})`,
        color: PALETTE[(lines.length + 1) % PALETTE.length],
        dashed: mode === "pingpong",
        points: mine.map((c) => [c.sizeBytes, c.ratio] as [number, number]),
      });
    }
  }
  // Every size the native loops measured is a tick, so a ratio missing at one shows as a gap.
  const sizes = [
    ...new Set([
      ...nativeRatios.map((c) => c.sizeBytes),
      ...report.results.filter((r) => r.engine === "native").map((r) => r.sizeBytes),
    ]),
  ].sort((a, b) => a - b);
  if (lines.length === 0 || sizes.length < 2) return null;
  const title = "How many times longer than the ring, by message size (log-log)";
  const panel: Panel = {
    title,
    xTitle: "message size",
    yTitle: "time per message (or round trip) / ring's",
    xTicks: sizes.map((size) => ({ at: size, label: formatSize(size) })),
    xLog: true,
    yFormat: ratioFormat,
    lines,
    breakAtGaps: true,
  };
  return svg(820, 380, title, drawPanel(panel, 0, 0, 560, 380) + "\n" + legend(lines, 572, 40));
}

const PERCENTILES: { key: "p50" | "p90" | "p99" | "p999" | "p9999" | "max"; label: string }[] = [
  { key: "p50", label: "p50" },
  { key: "p90", label: "p90" },
  { key: "p99", label: "p99" },
  { key: "p999", label: "p99.9" },
  { key: "p9999", label: "p99.99" },
  { key: "max", label: "max" },
];

function latencyChart(report: Report): string | null {
  const pingpong = report.results.filter((r) => r.mode === "pingpong" && r.latency !== null);
  const sizes = [...new Set(pingpong.map((r) => r.sizeBytes))].sort((a, b) => a - b);
  if (sizes.length === 0) return null;
  const columns = Math.min(3, sizes.length);
  const rows = Math.ceil(sizes.length / columns);
  const [pw, ph] = [300, 240];
  const title = "Round-trip latency percentiles per transport (log scale)";
  // The legend names every line drawn in any panel, once.
  const legendLines = new Map<string, Line>();
  const panels = sizes.map((size, i) => {
    const results = pingpong.filter((r) => r.sizeBytes === size);
    const lines: Line[] = results.map((r) => ({
      label: `${transportLabel(r)} (${r.placement})`,
      color: colorOf(report, r.transport),
      dashed: r.placement === "same",
      // A percentile beyond what the round trips carry is left out; the maximum is what it is.
      points: PERCENTILES.flatMap((p, k) => {
        const rt = r.latency!.roundTrip;
        const value = p.key === "max" ? rt.max : supportedPercentile(rt, p.key);
        return value === null ? [] : [[k, value] as [number, number]];
      }),
    }));
    for (const line of lines) if (!legendLines.has(line.label)) legendLines.set(line.label, line);
    const panel: Panel = {
      title: `${formatSize(size)} messages`,
      xTitle: "percentile",
      yTitle: "round trip",
      xTicks: PERCENTILES.map((p, k) => ({ at: k, label: p.label })),
      xLog: false,
      yFormat: nsFormat,
      lines,
    };
    return drawPanel(panel, (i % columns) * pw, Math.floor(i / columns) * ph + 24, pw, ph);
  });
  const width = columns * pw;
  const allLines = [...legendLines.values()];
  const height = rows * ph + 24 + allLines.length * 18 + 8;
  const body = `<text x="8" y="16" font-weight="bold">${escapeXml(title)}</text>\n` +
    panels.join("\n") + "\n" + legend(allLines, 16, rows * ph + 24 + 14);
  return svg(width, height, title, body);
}

/** One run's headline ratio, for {@link ratioOverTimeChart}. */
export interface RatioPoint {
  /** The machine's id. */
  machine: string;
  /** When the run started, ms since the epoch. */
  time: number;
  /** The headline ratio (pipe over shm) of the run. */
  ratio: number;
  /** Its 95% CI. */
  low: number;
  /** Its 95% CI. */
  high: number;
  /**
   * What differs in the machine's environment (microcode, clock source, mitigations) from
   * its previous point, as `name: old → new`; the chart marks the point with a dashed line.
   */
  changed?: string[];
}

/**
 * The headline ratio (pipe/shm, native 8-byte stream) of the archived runs over time, with CIs,
 * one line per machine (log scale), a dashed line where a machine's environment changed; the
 * caller picks comparable runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ratioOverTimeChart } from "./charts.ts";
 * const svg = ratioOverTimeChart([
 *   { machine: "a", time: Date.UTC(2026, 10, 1), ratio: 40, low: 38, high: 43 },
 *   { machine: "a", time: Date.UTC(2026, 10, 2), ratio: 45, low: 41, high: 50 },
 * ]);
 * assert.deepEqual(svg?.startsWith("<svg"), true);
 * ```
 */
export function ratioOverTimeChart(points: RatioPoint[]): string | null {
  if (points.length === 0) return null;
  const machines = [...new Set(points.map((p) => p.machine))].sort();
  const lines: Line[] = machines.map((machine, i) => {
    const mine = points.filter((p) => p.machine === machine).sort((a, b) => a.time - b.time);
    return {
      label: machine,
      color: PALETTE[i % PALETTE.length],
      dashed: false,
      points: mine.map((p) => [p.time, p.ratio] as [number, number]),
      errors: mine.map((p) => [p.time, p.low, p.high] as [number, number, number]),
    };
  });
  const times = points.map((p) => p.time);
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const ticks = first === last
    ? [{ at: first, label: day(first) }]
    : [0, 0.5, 1].map((f) => first + f * (last - first)).map((t) => ({
      at: t,
      label: last - first < 2 * 86_400_000
        ? new Date(t).toISOString().slice(5, 16).replace("T", " ")
        : day(t),
    }));
  const title = "pipe/shm, 8-byte stream, default full runs, per machine (95% CI, log scale)";
  const panel: Panel = {
    title,
    xTitle: "run (UTC)",
    yTitle: "times faster than the pipe",
    xTicks: ticks,
    xLog: false,
    yFormat: ratioFormat,
    lines,
    marks: points.filter((p) => (p.changed ?? []).length > 0).map((p) => ({
      at: p.time,
      label: [...new Set(p.changed!.map((c) => c.slice(0, c.indexOf(":"))))].join(", "),
      details: `${p.machine}: ${p.changed!.join("; ")}`,
    })),
  };
  return svg(820, 380, title, drawPanel(panel, 0, 0, 560, 380) + "\n" + legend(lines, 572, 40));
}

/**
 * Every chart of a report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { renderCharts } from "./charts.ts";
 * const charts = renderCharts(report); // one message size: nothing to draw by size
 * assert.deepEqual([charts.throughput, charts.ratio], [null, null]);
 * assert.ok(charts.latency?.startsWith("<svg"));
 * ```
 */
export function renderCharts(report: Report): Charts {
  return {
    throughput: throughputChart(report),
    ratio: ratioChart(report),
    latency: latencyChart(report),
  };
}
