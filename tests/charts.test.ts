import assert from "node:assert/strict";
import { logTicks, ratioOverTimeChart, renderCharts } from "../src/render/charts.ts";
import type { Report } from "../src/report/report.ts";
import { fakeReport } from "./fixtures.ts";

/**
 * A small XML well-formedness check: one root, every tag closed in order,
 * attributes quoted, no stray `<` or `&` in text. Enough for what charts.ts writes.
 */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  const token =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while ((match = token.exec(xml)) !== null) {
    position = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!amp;|lt;|gt;|quot;|#\d+;)/, "unescaped & in text");
      continue;
    }
    if (name === undefined) continue; // a comment
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  assert.equal(position, xml.length, `not well-formed near: ${xml.slice(position, position + 60)}`);
  assert.deepEqual(stack, [], "unclosed elements");
  assert.equal(roots, 1, "one root element");
}

Deno.test("the three charts are well-formed SVG, with titles", () => {
  const report = fakeReport({ pingpong: true });
  // Give the run a second size so the size charts have an axis.
  const bigger = structuredClone(report) as Report;
  for (const r of bigger.results) r.sizeBytes = 4096;
  for (const c of bigger.comparisons) c.sizeBytes = 4096;
  report.results.push(...bigger.results);
  report.comparisons.push(...bigger.comparisons);
  const charts = renderCharts(report);
  for (const [name, svg] of Object.entries(charts)) {
    assert.ok(svg !== null, name);
    assert.match(
      svg,
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/,
      name,
    );
    assert.match(svg, /<title>[^<]+<\/title>/, name);
    assert.match(svg, /<path d="M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+"/, `${name} draws lines`);
    assertWellFormedXml(svg.trim());
  }
  assert.match(charts.latency!, />p99\.99</);
  assert.match(charts.throughput!, />4 KiB</);
  assert.match(charts.ratio!, />pipe\/shm pingpong \(cross\)</);
});

Deno.test("charts are deterministic and need no background (light and dark themes)", () => {
  const report = fakeReport({ pingpong: true });
  const first = renderCharts(report);
  assert.deepEqual(renderCharts(JSON.parse(JSON.stringify(report))), first);
  for (const svg of Object.values(first)) {
    if (svg === null) continue;
    assert.doesNotMatch(svg, /<rect[^>]*fill="(#fff|white)/, "no white background");
    assert.match(svg, /fill="#888888"/, "mid-grey text reads on both themes");
  }
});

Deno.test("a single size has no size axis to draw; the latency chart still has its panel", () => {
  const charts = renderCharts(fakeReport({ pingpong: true }));
  assert.equal(charts.throughput, null);
  assert.equal(charts.ratio, null);
  assert.ok(charts.latency !== null);
});

Deno.test("the checker itself refuses broken XML", () => {
  assert.throws(() => assertWellFormedXml("<svg><g></svg>"));
  assert.throws(() => assertWellFormedXml("<svg a=b></svg>"));
  assert.throws(() => assertWellFormedXml("<svg>a & b</svg>"));
  assert.throws(() => assertWellFormedXml("<svg></svg><svg></svg>"));
});

Deno.test("deno series get their own throughput line and stay out of the native ratio lines", () => {
  const report = fakeReport();
  const bigger = structuredClone(report) as Report;
  for (const r of bigger.results) r.sizeBytes = 4096;
  for (const c of bigger.comparisons) c.sizeBytes = 4096;
  report.results.push(...bigger.results);
  report.comparisons.push(...bigger.comparisons);
  // A deno ring at 8 bytes, ten times slower, with its comparisons.
  const nativeRing = report.results.find((r) => r.transport === "shm" && r.sizeBytes === 8)!;
  const denoRing = structuredClone(nativeRing);
  denoRing.engine = "deno";
  denoRing.publishEvery = 64;
  denoRing.throughput.bytesPerSecond /= 10;
  report.results.push(denoRing);
  const ratio = report.comparisons[0];
  report.comparisons.push(
    {
      ...ratio,
      name: "deno/native",
      numerator: "shm (deno, every 64)",
      denominator: "shm (native)",
    },
    { ...ratio, engine: "deno", denominator: "shm (deno, every 64)", ratio: 3 },
  );
  const charts = renderCharts(report);
  assert.match(charts.throughput!, />shm \(deno, every 64\) \(cross\)</);
  assert.match(charts.throughput!, />shm \(cross\)</);
  assert.doesNotMatch(charts.ratio!, /deno/);
  assert.match(charts.ratio!, />pipe\/shm stream \(cross\)</);
});

/** The report with its series copied to more sizes (ring, pipe and their comparisons). */
function withSizes(report: Report, sizes: number[]): Report {
  const base = structuredClone(report);
  for (const size of sizes) {
    const copy = structuredClone(base);
    for (const r of copy.results) r.sizeBytes = size;
    for (const c of copy.comparisons) c.sizeBytes = size;
    report.results.push(...copy.results);
    report.comparisons.push(...copy.comparisons);
  }
  return report;
}

/** The `d` of every path whose stroke is `color`. */
const pathsOf = (svg: string) =>
  [...svg.matchAll(/<path d="([^"]+)" fill="none"/g)].map((m) => m[1]);

Deno.test("the latency legend names every transport it draws, even one measured at some sizes only", () => {
  const report = withSizes(fakeReport({ pingpong: true }), [4096]);
  // pipe-splice carries 4 KiB and up: it is in the 4 KiB panel only.
  const splice = structuredClone(
    report.results.find((r) =>
      r.transport === "pipe" && r.mode === "pingpong" && r.sizeBytes === 4096
    )!,
  );
  splice.transport = "pipe-splice";
  report.results.push(splice);
  report.parameters.transports.push("pipe-splice");
  const svg = renderCharts(report).latency!;
  for (const name of ["shm (cross)", "pipe (cross)", "pipe-splice (cross)"]) {
    assert.match(svg, new RegExp(`>${name.replace(/[()]/g, "\\$&")}</text>`), name);
  }
});

Deno.test("file-server ratios: one line per depth, never a zig-zag between depths", () => {
  const report = fakeReport({ fileserver: [1, 8] });
  // The same depths at a second size, and a pipe at both depths and sizes to compare.
  const ratios = [1, 8].flatMap((depth) =>
    [64, 4096].map((size) => ({
      name: "pipe/shm",
      numerator: "pipe",
      denominator: "shm",
      mode: "fileserver" as const,
      sizeBytes: size,
      placement: "cross" as const,
      queueDepth: depth,
      ratio: depth === 1 ? 20 : 5,
      ci: { low: 1, high: 2, level: 0.95 },
      pairs: 0,
      lag1: null,
    }))
  );
  report.comparisons = ratios;
  const svg = renderCharts(report).ratio!;
  assert.match(svg, />pipe\/shm fileserver depth 1 \(cross\)</);
  assert.match(svg, />pipe\/shm fileserver depth 8 \(cross\)</);
  const lines = pathsOf(svg);
  assert.equal(lines.length, 2);
  // Each line is flat (one ratio per depth): a zig-zag would move up and down.
  for (const d of lines) {
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => m[1]);
    assert.equal(new Set(ys).size, 1, d);
  }
});

Deno.test("a line is broken where a size was not measured, not drawn straight through it", () => {
  const report = withSizes(fakeReport(), [64, 4096]);
  // The pipe was not measured at 64 B.
  report.results = report.results.filter((r) => !(r.transport === "pipe" && r.sizeBytes === 64));
  report.comparisons = report.comparisons.filter((c) => c.sizeBytes !== 64);
  const charts = renderCharts(report);
  for (const svg of [charts.throughput!, charts.ratio!]) {
    const broken = pathsOf(svg).filter((d) => (d.match(/M/g) ?? []).length === 2);
    assert.equal(broken.length, 1, "the pipe's line has two pieces");
  }
  const ring = pathsOf(charts.throughput!).find((d) => (d.match(/L/g) ?? []).length === 2);
  assert.ok(ring, "the ring, measured at every size, is one piece");
});

Deno.test("ratio over time: ticks that fit 35 to 83, and every point's CI", () => {
  const day = 86_400_000;
  const points = [35, 60, 83].map((ratio, i) => ({
    machine: "vm-1",
    time: Date.UTC(2026, 10, 1) + i * day,
    ratio,
    low: ratio * 0.9,
    high: ratio * 1.1,
  }));
  const svg = ratioOverTimeChart(points)!;
  for (const tick of ["30×", "40×", "50×", "60×", "70×", "80×", "90×"]) {
    assert.ok(svg.includes(`>${tick}</text>`), tick);
  }
  assert.equal([...svg.matchAll(/ stroke-width="1\.5"\/>/g)].length, 3, "three error bars");
  assertWellFormedXml(svg.trim());
});

/** The y of each horizontal grid line, by its label, and the centres of the points, in order. */
function geometry(svg: string): { grid: Map<string, number>; points: [number, number][] } {
  const grid = new Map<string, number>();
  const gridLine =
    /<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="[^"]+" stroke-opacity="0\.3"\/>\n<text [^>]*text-anchor="end">([^<]+)<\/text>/g;
  for (const m of svg.matchAll(gridLine)) grid.set(m[2], Number(m[1]));
  const points = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)]
    .map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  return { grid, points };
}

Deno.test("coordinates: the y axis is logarithmic and points sit where their values say", () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 10, 1);
  // 10 and 1,000 span two decades: grid lines at 10, 100, 1,000; 100 is their geometric middle.
  const svg = ratioOverTimeChart([
    { machine: "m", time: t0, ratio: 10, low: 10, high: 10 },
    { machine: "m", time: t0 + day, ratio: 100, low: 100, high: 100 },
    { machine: "m", time: t0 + 2 * day, ratio: 1000, low: 1000, high: 1000 },
    { machine: "m", time: t0 + 3 * day, ratio: Math.sqrt(10 * 100), low: 31, high: 32 },
  ])!;
  const { grid, points } = geometry(svg);
  const y = (label: string) => {
    const at = grid.get(label);
    assert.ok(at !== undefined, `no grid line ${label}: ${[...grid.keys()]}`);
    return at;
  };
  const decade = y("10×") - y("100×");
  // Equal steps per decade (a linear axis would put 100 near the bottom, not in the middle)...
  assert.ok(Math.abs(decade - (y("100×") - y("1000×"))) < 0.05, `${decade}`);
  // ...and 20 and 50 at log10 2 and log10 5 of the way up their decade.
  assert.ok(Math.abs(y("10×") - y("20×") - decade * Math.log10(2)) < 0.05);
  assert.ok(Math.abs(y("10×") - y("50×") - decade * Math.log10(5)) < 0.05);
  // Each point on its own value's grid line; √(10·100) halfway between 10 and 100.
  assert.deepEqual(points.slice(0, 3).map((p) => p[1]), [y("10×"), y("100×"), y("1000×")]);
  assert.ok(Math.abs(points[3][1] - (y("10×") + y("100×")) / 2) < 0.05, `${points[3][1]}`);
  // x is linear in time: the four runs a day apart are evenly spaced, first left of last.
  const xs = points.map((p) => p[0]);
  assert.ok(xs[0] < xs[3]);
  assert.ok(Math.abs((xs[1] - xs[0]) - (xs[3] - xs[2])) < 0.05, xs.join(" "));
});

Deno.test("logTicks: powers of ten over decades, 1-2-5 or 1..9 steps over less, always enclosing", () => {
  assert.deepEqual(logTicks(1, 1e6), [1, 10, 100, 1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(0.003, 0.7), [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(logTicks(2.1, 2.9), [2, 3]);
  // Whatever the range, the ticks enclose it and rise.
  for (const [min, max] of [[6.2, 391], [0.5, 0.51], [7, 7], [1e-3, 3e5], [45, 46]]) {
    const ticks = logTicks(min, max);
    assert.ok(ticks[0] <= min && ticks.at(-1)! >= max, `${min}-${max}: ${ticks}`);
    assert.ok(ticks.every((t, i) => i === 0 || t > ticks[i - 1]), `${ticks}`);
    assert.ok(ticks.length >= 2);
  }
});

Deno.test("the ratio over time marks where a machine's environment changed, and the index finds it", async () => {
  const t0 = Date.UTC(2026, 10, 1);
  const svg = ratioOverTimeChart([
    { machine: "m", time: t0, ratio: 40, low: 38, high: 42 },
    {
      machine: "m",
      time: t0 + 86_400_000,
      ratio: 60,
      low: 55,
      high: 65,
      changed: ["kernel: 6.1 → 6.18"],
    },
  ])!;
  assert.match(
    svg,
    /<title>m: kernel: 6\.1 → 6\.18<\/title><line [^>]*stroke-dasharray="3 3"\/><text [^>]*>kernel<\/text>/,
  );
  assert.equal((svg.match(/stroke-dasharray="3 3"/g) ?? []).length, 1);
  // From reports: two default runs of one machine, the second after a kernel update.
  const { renderIndex } = await import("../src/archive/catalog.ts");
  const { loadReport } = await import("../src/report/schema.ts");
  const run = await loadReport(new URL("../docs/examples/report.json", import.meta.url).pathname);
  const full = { ...run, parameters: { ...run.parameters, quick: false, trialSeconds: 0.05 } };
  const later = {
    ...full,
    createdAt: "2030-01-01T00:00:00.000Z",
    machine: { ...full.machine, fingerprint: { ...full.machine.fingerprint, microcode: "0x9999" } },
  };
  const { chart } = renderIndex([{ path: "r/a.json", report: full }, {
    path: "r/b.json",
    report: later,
  }], "r");
  assert.match(chart ?? "", /<text [^>]*>microcode<\/text>/);
});
