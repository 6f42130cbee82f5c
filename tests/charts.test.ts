import assert from "node:assert/strict";
import { renderCharts } from "../src/charts.ts";
import type { Report } from "../src/report.ts";
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
    { ...ratio, engine: "deno", denominator: "shm (deno, every 64)", ratioOfMedians: 3 },
  );
  const charts = renderCharts(report);
  assert.match(charts.throughput!, />shm \(deno, every 64\) \(cross\)</);
  assert.match(charts.throughput!, />shm \(cross\)</);
  assert.doesNotMatch(charts.ratio!, /deno/);
  assert.match(charts.ratio!, />pipe\/shm stream \(cross\)</);
});
