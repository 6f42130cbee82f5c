/**
 * Renders a report as Markdown for GitHub, from the JSON alone: the same
 * report always gives the same bytes.
 *
 * @module
 */

import { supportedPercentile, TOO_FEW } from "../stats/histogram.ts";
import { fileServerSection } from "./fileserver.ts";
import { markdownTable } from "../base/tables.ts";
import { controlLines, headline, originalLines } from "../report/headline.ts";
import { controlRoundsText } from "../report/control_figures.ts";
import {
  formatCount,
  formatNs,
  formatPercent,
  formatRate,
  formatRatio,
  formatTime,
} from "../base/format.ts";
import { ORIGINAL } from "../report/original.ts";
import { ringComparison } from "../report/derived.ts";
import type { Comparison, Report, ResultEntry } from "../report/report.ts";
import type { Charts } from "./charts.ts";
import { engineTag, formatSize, transportLabel, variantTag } from "../plan/series.ts";
import { variantSection } from "./variants.ts";
import type { Placement } from "../context/topology.ts";

/** File names (relative to the Markdown) of the charts to show, when they were written. */
export type ChartFiles = Partial<Record<"throughput" | "latency" | "ratio", string>>;
// The names are the charts' own (`Charts` in ./charts.ts): a chart added there fails to compile here.
true satisfies (keyof Charts extends keyof ChartFiles ? keyof ChartFiles extends keyof Charts ? true
  : never
  : never);

/**
 * The Markdown report; `charts` names the SVG files written next to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMarkdown } from "./markdown.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const page = renderMarkdown(report, { throughput: "t.svg" });
 * assert.match(page, /^# ringpipe: shm vs pipe on /);
 * assert.equal(page, renderMarkdown(structuredClone(report), { throughput: "t.svg" }), "the same bytes");
 * ```
 */
export function renderMarkdown(report: Report, charts: ChartFiles = {}): string {
  const env = report.environment;
  const date = report.createdAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const sections = [
    `# ringpipe: ${report.parameters.transports.join(" vs ")} on ${env.hostname}, ${date}`,
    summaryParagraph(report),
    originalSection(report),
    streamSection(report, charts),
    pingpongSection(report, charts),
    engineSection(report),
    variantSection(report),
    fileServerSection(report),
    spreadSection(report),
    processesSection(report),
    warningsSection(report.warnings),
    environmentSection(report),
    methodsSection(report),
    rerunSection(report),
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

const MODE_WORDS = {
  stream: "one way (stream)",
  pingpong: "as request and reply (ping-pong)",
  fileserver: "as replies of a file server to read requests",
} as const;

function summaryParagraph(report: Report): string {
  const p = report.parameters;
  const sampling = report.sampling;
  const sizing = p.iterations === null
    ? `each series' trials calibrated to about ${p.trialSeconds} s`
    : `${formatCount(p.iterations)} items per trial`;
  const stopping = p.runs !== null
    ? `a fixed ${p.runs} timed trials per series`
    : `timed trials until every series' median had a 95% CI within ±${formatPercent(p.targetCi)} ` +
      `(at least ${p.minTrials} each, budget ${p.budgetSeconds} s): ${stopText(report)}`;
  return `Two processes pass messages of ${p.sizes.map(formatSize).join(", ")} through each ` +
    `transport, ${p.modes.map((m) => MODE_WORDS[m]).join(" and ")}; ` +
    `the receiver checks every byte. A trial is one timed run between ${
      report.methods.workers === undefined
        ? "a fresh pair of processes"
        : "two worker processes kept for the whole run"
    } (${sizing}), ` +
    `timed with CLOCK_MONOTONIC from the first message sent to the last received. After ` +
    `${sampling.warmupTrials} warm-up trials, the trials of all ${report.results.length} series were interleaved ` +
    `(A B, B A, ...): ${stopping}. ${sampling.timedTrials} timed trials` +
    `${controlRoundsText(report.controls)} took ` +
    `${
      sampling.elapsedSeconds === null
        ? "an unrecorded time"
        : `${sampling.elapsedSeconds.toFixed(1)} s`
    } in all.`;
}

/**
 * Why the sampling stopped, in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stopText } from "./markdown.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const reached = { ...report.sampling, stopReason: "target-reached" as const };
 * assert.equal(stopText({ ...report, sampling: reached }), "the target was reached");
 * ```
 */
export function stopText(report: Report): string {
  switch (report.sampling.stopReason) {
    case "target-reached":
      return "the target was reached";
    case "budget-spent":
      return report.sampling.targetReached
        ? "the budget was spent, with the target reached"
        : "**the budget was spent before the target was reached**";
    case "trial-limit":
      return "the trial limit was hit";
    case "fixed-count":
      return "the fixed count was run";
  }
}

function ratioText(comparison: Comparison): string {
  return `${formatRatio(comparison.ratio)}× (95% CI ${formatRatio(comparison.ci.low)} to ` +
    `${formatRatio(comparison.ci.high)})`;
}

function originalSection(report: Report): string {
  const lines = originalLines(report);
  if (lines.length === 0) return "";
  const pipeRatio = headline(report).ratio;
  const ratio = pipeRatio === undefined
    ? ""
    : `\n\nThe ring was **${ratioText(pipeRatio)}** faster than the pipe ` +
      (pipeRatio.pairs > 0
        ? `(the median of ${pipeRatio.pairs} per-round ratios of pipe over shm, each pipe trial ` +
          `over the ring trial of its round).`
        : `(median ns per item of pipe over shm).`);
  return `## The original experiment's lines

Seconds per iteration (8-byte stream), median trial:

\`\`\`
${lines.join("\n")}
\`\`\`${ratio}

For reference, the essay printed \`${ORIGINAL.lines[0]}\` and \`${ORIGINAL.lines[1]}\` ` +
    `(${ORIGINAL.ratioRange[0]} to ${
      ORIGINAL.ratioRange[1]
    }× over its runs) on ${ORIGINAL.machine}.`;
}

function outlierText(r: ResultEntry): string {
  const o = r.nsPerItem.outliers;
  const total = o.lowSevere + o.lowMild + o.highMild + o.highSevere;
  return total === 0
    ? "0"
    : `${total} (${o.lowSevere + o.lowMild} low, ${o.highMild + o.highSevere} high)`;
}

function ciText(r: ResultEntry): string {
  const ci = r.nsPerItem.medianCi;
  return `${formatTime(ci.low)} to ${formatTime(ci.high)}${
    ci.level < 0.95 ? ` (${formatPercent(ci.level)})` : ""
  }`;
}

function image(charts: ChartFiles, key: keyof Charts, alt: string): string {
  const file = charts[key];
  return file === undefined ? "" : `\n\n![${alt}](${encodeURI(file)})`;
}

/**
 * A transport in a table cell: `` `shm` ``, `` `shm` (deno) ``, `` `shm` (deno, every 64) `` or
 * `` `shm` [clang] ``.
 */
function transportCell(
  r: Pick<ResultEntry, "transport" | "engine" | "publishEvery" | "variant">,
): string {
  return `\`${r.transport}\`${engineTag(r)}${variantTag(r)}`;
}

/**
 * Each deno-engine series beside its native twin, with the deno/native ratio
 * of medians and its CI; a deno ring appears once per publication cadence.
 */
function engineSection(report: Report): string {
  const ratios = report.comparisons.filter((c) => c.name === "deno/native");
  if (ratios.length === 0) return "";
  const named = (label: string, c: Comparison) =>
    report.results.find((r) =>
      (r.engine === "native" ? `${r.transport} (native)` : transportLabel(r)) === label &&
      r.mode === c.mode && r.sizeBytes === c.sizeBytes && r.placement === c.placement
    );
  const rows = ratios.map((c) => {
    const deno = named(c.numerator, c);
    return [
      c.mode,
      formatSize(c.sizeBytes),
      `\`${c.numerator.split(" ")[0]}\``,
      deno?.publishEvery === undefined ? "" : String(deno.publishEvery),
      c.placement,
      formatTime(named(c.denominator, c)?.nsPerItem.median ?? NaN),
      formatTime(deno?.nsPerItem.median ?? NaN),
      ratioText(c),
    ];
  });
  return `## The deno engine against the native loops

${
    markdownTable(
      [
        "mode",
        "size",
        "transport",
        "publish every",
        "placement",
        "native",
        "deno",
        "deno/native",
      ],
      rows,
      [false, true, false, true, false, true, true, true],
    )
  }

The deno engine runs both loops in TypeScript: the ring through \`Channel\` (typed arrays and ` +
    `\`Atomics\` over the same mapped memory; its sender publishes its index every N items, ` +
    `"publish every"), the pipe through \`Deno.FsFile\`.`;
}

/** `5`, or `5 (written as 3, upgraded on read)` for a report of an older schema. */
function schemaText(report: Report): string {
  const upgraded = report.warnings
    .map((w) => /^upgraded on read from schema version (\d+)/.exec(w))
    .find((m) => m !== null);
  return upgraded
    ? `${report.schemaVersion} (written as ${upgraded[1]}, upgraded on read)`
    : String(report.schemaVersion);
}

function streamSection(report: Report, charts: ChartFiles): string {
  const stream = report.results.filter((r) => r.mode === "stream");
  if (stream.length === 0) return "";
  const rows = stream.map((r) => {
    const versus = ringComparison(report, r);
    return [
      formatSize(r.sizeBytes),
      transportCell(r),
      r.placement + (r.waitPolicy === "yield" ? " (yield)" : ""),
      formatCount(r.iterations),
      String(r.samples.length),
      `**${formatTime(r.nsPerItem.median)}**`,
      ciText(r),
      formatPercent(r.nsPerItem.cv),
      outlierText(r),
      formatRate(r.throughput.bytesPerSecond),
      formatTime(r.cpuNsPerItem.median),
      formatNs(r.switchesPerItem * 1000),
      versus === undefined ? "1" : ratioText(versus),
    ];
  });
  return `## Stream: one way

${
    markdownTable(
      [
        "size",
        "transport",
        "placement",
        "messages/trial",
        "trials",
        "median per message",
        "95% CI",
        "CV",
        "outliers",
        "throughput",
        "CPU per message",
        "switches/1k",
        "× shm",
      ],
      rows,
      [true, false, false, true, true, true, true, true, true, true, true, true, true],
    )
  }

Throughput is message bytes per second one way, from the median. CPU per message is the CPU ` +
    `time of both loop threads (CLOCK_THREAD_CPUTIME_ID) per message: a spinning side is charged for its ` +
    `waiting, a sleeping side is not. Switches are voluntary + involuntary context switches of both ` +
    `loop threads per 1,000 messages. Outliers are counted, never dropped.` +
    controlLines(report, "pipe-loop").map(({ control, line }) =>
      control.beside.length === 0
        ? ` The pipe beside a plain C loop (${control.method}): ${line}.` // written before pairs
        : ` ${upperFirst(line)} (how: ${control.method}).`
    ).join("") +
    image(charts, "throughput", "Streaming throughput by message size") +
    image(charts, "ratio", "Time relative to the ring, by message size");
}

function pingpongSection(report: Report, charts: ChartFiles): string {
  const pingpong = report.results.filter((r) => r.mode === "pingpong" && r.latency !== null);
  if (pingpong.length === 0) return "";
  const rows = pingpong.map((r) => {
    const versus = ringComparison(report, r);
    const rt = r.latency!.roundTrip;
    return [
      formatSize(r.sizeBytes),
      transportCell(r),
      r.placement + (r.waitPolicy === "yield" ? " (yield)" : ""),
      String(r.samples.length),
      `**${formatTime(r.nsPerItem.median)}**`,
      ciText(r),
      formatTime(rt.min),
      ...(["p50", "p90", "p99", "p999", "p9999"] as const).map((key) => {
        const value = supportedPercentile(rt, key);
        return value === null ? TOO_FEW : formatTime(value);
      }),
      formatTime(rt.max),
      formatTime(rt.mean),
      formatTime(r.latency!.oneWayAsHalfRoundTrip.p50),
      formatTime(r.cpuNsPerItem.median),
      versus === undefined ? "1" : ratioText(versus),
    ];
  });
  const total = pingpong.reduce((n, r) => n + r.latency!.roundTrip.count, 0);
  return `## Ping-pong: request and reply

The client sends a message and waits for a reply of the same size; the server checks every request ` +
    `and answers it. ${
      report.parameters.latencyEvery === undefined || report.parameters.latencyEvery === 1
        ? `${formatCount(total)} round trips were timed one by one.`
        : `Every ${report.parameters.latencyEvery}th round trip was timed for the percentiles ` +
          `(${formatCount(total)} in all), the others not, so the clock stays out of the loop.`
    }${
      controlLines(report, "unstamped").map(({ control, line }) =>
        ` Against a loop that reads no clock: ${line} (how: ${control.method}).`
      ).join("")
    }

${
      markdownTable(
        [
          "size",
          "transport",
          "placement",
          "trials",
          "median per round trip",
          "95% CI",
          "min",
          "p50",
          "p90",
          "p99",
          "p99.9",
          "p99.99",
          "max",
          "mean",
          "one way p50 (RTT/2)",
          "CPU per round trip",
          "× shm",
        ],
        rows,
        [
          true,
          false,
          false,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
          true,
        ],
      )
    }

The median and its CI are over trials (each trial's total time over its round trips); the ` +
    `percentiles are over every round trip of every timed trial, from the merged histogram. ` +
    `One-way latency is shown as half the round trip, and labelled so: it is not measured on its own. ` +
    (report.parameters.latencyEvery === undefined
      ? `Each round trip includes one clock read (${
        report.environment.clock.readCostNs === null
          ? "cost not measured"
          : `${formatTime(report.environment.clock.readCostNs)} here`
      }).`
      : `How round trips were timed: ${pingpong[0].latency!.clock}.`) +
    image(charts, "latency", "Round-trip latency percentiles per transport");
}

function spreadSection(report: Report): string {
  const rows = report.results.map((r) => {
    const s = r.nsPerItem;
    return [
      r.mode,
      formatSize(r.sizeBytes),
      transportCell(r),
      r.placement,
      ...[s.min, s.p5, s.p25, s.median, s.p75, s.p95, s.max, s.mad].map(formatTime),
    ];
  });
  return `### Spread of the trials

Time per message (stream), round trip (ping-pong) or request (file server), over the timed trials:

${
    markdownTable(
      [
        "mode",
        "size",
        "transport",
        "placement",
        "min",
        "p5",
        "p25",
        "median",
        "p75",
        "p95",
        "max",
        "MAD",
      ],
      rows,
      [false, true, false, false, true, true, true, true, true, true, true, true],
    )
  }`;
}

function placementText(placement: Placement): string {
  if (placement.cpus === null) {
    return placement.request === "none"
      ? "Not pinned (`--pin none`): the scheduler placed the loops."
      : "Not pinned: fewer than two CPUs are available.";
  }
  const relation: Record<string, string> = {
    "same-cpu": "the same CPU",
    "smt-siblings": "SMT siblings of one core",
    "shared-llc": "separate cores sharing the last-level cache",
    "separate-llc": "separate cores with separate last-level caches",
    "unknown": "CPUs whose relation /sys does not describe",
  };
  return `Producer pinned to CPU ${placement.cpus[0]}, consumer to CPU ${placement.cpus[1]} ` +
    `(\`--pin ${
      Array.isArray(placement.request) ? placement.request.join(",") : placement.request
    }\`): ` +
    `${relation[placement.relation]}.`;
}

function processesSection(report: Report): string {
  const list = (cpus: number[] | null) => cpus === null ? "—" : cpus.join(", ");
  const rows = report.processes.map((p) => [
    p.role,
    p.niceRequested === null ? "—" : String(p.niceRequested),
    p.niceAchieved === null ? "—" : String(p.niceAchieved),
    p.schedPolicies.join(", ") || "—",
    list(p.affinityRequested),
    list(p.cpusSeen.length > 0 ? p.cpusSeen : null),
    [p.niceError, p.affinityError].filter((e) => e !== null).join("; "),
  ]);
  return `## What each process got

${placementText(report.placement)}

${
    markdownTable(
      [
        "process",
        "nice requested",
        "nice achieved",
        "policy",
        "CPU requested",
        "CPUs seen",
        "errors",
      ],
      rows,
      [false, true, true, false, true, true, false],
    )
  }`;
}

function warningsSection(warnings: string[]): string {
  if (warnings.length === 0) return "";
  return `## Warnings\n\n${warnings.map((w) => `- ${w}`).join("\n")}`;
}

function environmentSection(report: Report): string {
  const env = report.environment;
  const kit = report.kit;
  const known = <T>(value: T | null, show: (v: T) => string = String) =>
    value === null ? "unknown" : show(value);
  const yesNo = (value: boolean | null) => known(value, (v) => (v ? "yes" : "no"));
  const commit = kit.commit === null
    ? "not in a git checkout"
    : `${kit.commit.slice(0, 12)}${kit.dirty ? " (with uncommitted changes)" : ""}`;
  const load = (l: number[] | null) => known(l, (v) => v.join(" "));
  const rows: [string, string][] = [
    ["host", env.hostname],
    [
      "CPU",
      `${env.cpu.model ?? "unknown"}, ${env.cpu.count} logical CPUs (online ${
        known(env.cpu.online, (v) => v.join(","))
      })`,
    ],
    ["frequency", known(env.cpu.frequencyMHz, (v) => `${v} MHz`)],
    [
      "scaling driver / governor",
      `${env.cpu.scalingDriver ?? "none"} / ${env.cpu.governor ?? "none"}`,
    ],
    ["turbo", yesNo(env.cpu.turbo)],
    ["SMT", yesNo(env.cpu.smt)],
    ["isolated CPUs", known(env.cpu.isolated, (v) => (v.length === 0 ? "none" : v.join(",")))],
    [
      "caches",
      env.cpu.caches.length === 0
        ? "unknown"
        : env.cpu.caches.map((c) => `L${c.level} ${c.type} ${c.size}`).join(", "),
    ],
    ["NUMA nodes", known(env.cpu.numaNodes)],
    [
      "virtual machine",
      env.cpu.virtualMachine === null
        ? "unknown"
        : env.cpu.virtualMachine
        ? `yes (${env.cpu.hypervisor})`
        : "no",
    ],
    ["Meltdown", env.cpu.meltdown ?? "unknown"],
    ["kernel", `${env.os} ${env.kernel} (${env.arch})`],
    ["kernel command line", known(env.kernelCommandLine, (v) => `\`${v}\``)],
    [
      "clock",
      `${env.clock.source ?? "unknown"}; resolution ${
        known(env.clock.resolutionNs, (v) => `${v} ns`)
      }, one read ${known(env.clock.readCostNs, formatTime)}`,
    ],
    ["load before / after", `${load(env.load.before)} / ${load(env.load.after)}`],
    ...(env.scheduler === undefined ? [] : [[
      "scheduler",
      `autogroup ${yesNo(env.scheduler.autogroup)}; cgroup ${
        env.scheduler.cgroup ?? "unknown"
      }, CPU weight ${known(env.scheduler.cpuWeight)}, limit ${
        env.scheduler.cpuLimit === null ? "none" : `${env.scheduler.cpuLimit} CPUs`
      }`,
    ] as [string, string]]),
    ["compiler", `\`${env.compiler.command}\`: ${env.compiler.version}`],
    ["flags", `\`${env.compiler.arguments.join(" ")}\``],
    ["Deno", `${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`],
    ["user", env.user.root ? (env.user.sudo ? "root via sudo" : "root") : `uid ${env.user.uid}`],
    ["ringpipe", `${kit.version}, ${commit}`],
    ["report schema", schemaText(report)],
  ];
  return `## Environment

${markdownTable(["", ""], rows, [false, false])}`;
}

function methodsSection(report: Report): string {
  const m = report.methods;
  return `## Methods

- Timing: ${m.timing}.
- Quantiles: ${m.quantiles}.
- Median CI: ${m.medianCi}.
- Ratio CI: ${m.ratioCi}.
- Outliers: ${m.outliers}.
- Latency: ${m.latency}.${m.spinWait === undefined ? "" : `\n- Spinning: ${m.spinWait}.`}${
    m.workers === undefined ? "" : `\n- Workers: ${m.workers}.`
  }`;
}

function rerunSection(report: Report): string {
  const rings = [
    ...new Set(
      report.results.filter((r) => r.ringSlots !== null).map((r) =>
        `${formatSize(r.sizeBytes)}: ${formatCount(r.ringSlots!)}`
      ),
    ),
  ];
  return `## Rerun

\`\`\`sh
${report.command}
\`\`\`

Ring slots per message size: ${rings.length === 0 ? "no rings" : rings.join(", ")} ` +
    `(asked: ${formatCount(report.parameters.ringSlots)}, fewer for large messages).${
      capacityLine(report)
    }${uringLine(report)} Every trial's figures (messages, time, ` +
    `CPU time, CPUs, context switches) are in the JSON report beside this file.`;
}

/** How the io_uring transports' rings were set up: one sentence per distinct setup. */
function uringLine(report: Report): string {
  const setups = new Set<string>();
  for (const r of report.results) {
    if (r.uring === undefined) continue;
    const u = r.uring;
    const thread = u.sqThread === undefined
      ? ""
      : `; SQPOLL threads on CPUs ${
        u.sqThread.cpus.map((cpu) => cpu ?? "any").join(" and ")
      } (producer's, consumer's), sharing with ${u.sqThread.shares}, idle after ${u.sqThread.idleMs} ms, ` +
        `a side looking at its completions for ${u.sqThread.spinNs} ns before it sleeps`;
    const text = `flags ${
      u.flags.length === 0 ? "none" : u.flags.join("|")
    }, batch ${u.batch}${thread}`;
    setups.add(`\`${r.transport}\` ${r.mode}: ${text}`);
  }
  if (setups.size === 0) return "";
  return ` io_uring rings: ${
    [...setups.keys()].join("; ")
  } (batches are cut to what 64 KiB holds).`;
}

/** Messages each transport held before a sender waited, per size (reports that recorded it). */
function capacityLine(report: Report): string {
  const byTransport = new Map<string, { source: string; sizes: Map<number, number | null> }>();
  for (const r of report.results) {
    if (r.capacity === undefined) continue;
    const label = transportLabel(r); // the deno engine's loops are their own series
    const entry = byTransport.get(label) ??
      { source: r.capacity.source, sizes: new Map<number, number | null>() };
    entry.sizes.set(r.sizeBytes, r.capacity.messages);
    byTransport.set(label, entry);
  }
  if (byTransport.size === 0) return "";
  const parts = [...byTransport].map(([transport, { source, sizes }]) =>
    `\`${transport}\` ${
      [...sizes].map(([size, n]) =>
        `${formatSize(size)}: ${n === null ? "not known in advance" : formatCount(n)}`
      ).join(", ")
    } — ${source}`
  );
  return ` Messages in flight before a sender waits: ${parts.join("; ")}.`;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
