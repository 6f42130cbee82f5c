/**
 * Renders a report as Markdown for GitHub, from the JSON alone: the same
 * report always gives the same bytes.
 *
 * @module
 */

import { formatCount, formatNs, formatPercent, formatRatio, originalLines } from "./format.ts";
import { ORIGINAL } from "./original.ts";
import type { ProcessEntry, Report, ResultEntry, Sample } from "./report.ts";

/**
 * The Markdown report.
 *
 * @example
 * ```ts ignore
 * import { renderMarkdown } from "./markdown.ts";
 * await Deno.writeTextFile("report.md", renderMarkdown(report));
 * ```
 */
export function renderMarkdown(report: Report): string {
  const env = report.environment;
  const date = report.createdAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const sections = [
    `# ringpipe: ${report.parameters.transports.join(" vs ")} on ${env.hostname}, ${date}`,
    summaryParagraph(report),
    originalSection(report),
    resultsSection(report),
    processesSection(report.processes),
    warningsSection(report.warnings),
    environmentSection(report),
    rerunSection(report),
    samplesSection(report.results),
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}\n`;
}

function summaryParagraph(report: Report): string {
  const p = report.parameters;
  const sizing = p.iterations === null
    ? `each transport's run length calibrated to about ${p.runSeconds} s`
    : `${formatCount(p.iterations)} items per run`;
  return `Two processes pass 8-byte sequence numbers one way, producer to consumer; the consumer ` +
    `checks every item. Each figure is the median of ${p.runs} timed runs per transport ` +
    `(${sizing}; runs interleaved across transports, each between a fresh pair of processes), ` +
    `timed with CLOCK_MONOTONIC from the first item sent to the last item received.`;
}

function originalSection(report: Report): string {
  const lines = originalLines(report);
  if (lines.length === 0) return "";
  const pipeRatio = report.comparisons.find((c) => c.name === "pipe/shm");
  const ratio = pipeRatio === undefined
    ? ""
    : `\n\nThe ring was **${formatRatio(pipeRatio.ratioOfMedians)}×** faster than the pipe ` +
      `(median ns per item of pipe over shm).`;
  return `## The original experiment's lines

Seconds per iteration, median run:

\`\`\`
${lines.join("\n")}
\`\`\`${ratio}

For reference, the essay printed \`${ORIGINAL.lines[0]}\` and \`${ORIGINAL.lines[1]}\` ` +
    `(${ORIGINAL.ratioRange[0]} to ${
      ORIGINAL.ratioRange[1]
    }× over its runs) on ${ORIGINAL.machine}.`;
}

function resultsSection(report: Report): string {
  const rows = report.results.map((r) => {
    const versus = report.comparisons.find((c) => c.numerator === r.transport);
    return [
      `\`${r.transport}\``,
      r.mode,
      String(r.sizeBytes),
      formatCount(r.iterations),
      String(r.samples.length),
      `**${formatNs(r.nsPerItem.median)}**`,
      formatNs(r.nsPerItem.min),
      formatNs(r.nsPerItem.max),
      formatPercent(r.nsPerItem.cv),
      formatNs(r.cpuNsPerItem.median),
      versus === undefined ? "1" : formatRatio(versus.ratioOfMedians),
    ];
  });
  return `## Results

${
    markdownTable(
      [
        "transport",
        "mode",
        "bytes",
        "items/run",
        "runs",
        "median ns/item",
        "min",
        "max",
        "CV",
        "CPU ns/item",
        "× shm",
      ],
      rows,
      [false, false, true, true, true, true, true, true, true, true, true],
    )
  }

CPU ns/item is the user + system time of both loop threads (getrusage) per item: a spinning ` +
    `side is charged for its waiting, a sleeping side is not.`;
}

function processesSection(processes: ProcessEntry[]): string {
  const rows = processes.map((p) => [
    p.role,
    p.niceRequested === null ? "—" : String(p.niceRequested),
    p.niceAchieved === null ? "—" : String(p.niceAchieved),
    p.niceError ?? "",
  ]);
  return `## Priority

${
    markdownTable(["process", "nice requested", "nice achieved", "error"], rows, [
      false,
      true,
      true,
      false,
    ])
  }`;
}

function warningsSection(warnings: string[]): string {
  if (warnings.length === 0) return "";
  return `## Warnings\n\n${warnings.map((w) => `- ${w}`).join("\n")}`;
}

function environmentSection(report: Report): string {
  const env = report.environment;
  const kit = report.kit;
  const commit = kit.commit === null
    ? "not in a git checkout"
    : `${kit.commit.slice(0, 12)}${kit.dirty ? " (with uncommitted changes)" : ""}`;
  const rows: [string, string][] = [
    ["host", env.hostname],
    ["CPU", `${env.cpu.model ?? "unknown"}, ${env.cpu.count} logical CPUs`],
    [
      "virtual machine",
      env.cpu.virtualMachine === null ? "unknown" : env.cpu.virtualMachine ? "yes" : "no",
    ],
    ["kernel", `${env.os} ${env.kernel} (${env.arch})`],
    ["clock source", env.clockSource ?? "unknown"],
    ["compiler", `\`${env.compiler.command}\`: ${env.compiler.version}`],
    ["flags", `\`${env.compiler.arguments.join(" ")}\``],
    ["Deno", `${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`],
    ["user", env.user.root ? (env.user.sudo ? "root via sudo" : "root") : `uid ${env.user.uid}`],
    ["ringpipe", `${kit.version}, ${commit}`],
    ["report schema", String(report.schemaVersion)],
  ];
  return `## Environment

${markdownTable(["", ""], rows.map(([k, v]) => [k, v]), [false, false])}`;
}

function rerunSection(report: Report): string {
  const p = report.parameters;
  const sizes = report.results.map((r) => `${r.transport} ${formatCount(r.iterations)}`).join(", ");
  return `## Rerun

\`\`\`sh
${report.command}
\`\`\`

Items per run: ${sizes}. Ring capacity: ${formatCount(p.ringSlots)} items. ` +
    `Quantiles: ${p.statistics}.`;
}

function samplesSection(results: ResultEntry[]): string {
  const all = results.flatMap((r) => [
    ...r.warmup.map((s) => ({ r, s, kind: "warm-up" })),
    ...r.samples.map((s) => ({ r, s, kind: "run" })),
  ]).sort((a, b) => a.s.order - b.s.order);
  const cpu = (s: Sample) =>
    `${s.producer.cpuStart}→${s.producer.cpuEnd} / ${s.consumer.cpuStart}→${s.consumer.cpuEnd}`;
  const rows = all.map(({ r, s, kind }) => [
    String(s.order),
    `\`${r.transport}\``,
    kind,
    formatCount(s.iterations),
    formatNs(s.nsPerItem),
    formatNs(s.cpuNsPerItem),
    cpu(s),
    `${s.producer.voluntarySwitches + s.consumer.voluntarySwitches} / ${
      s.producer.involuntarySwitches + s.consumer.involuntarySwitches
    }`,
  ]);
  return `<details>
<summary>Every trial in measured order (${all.length})</summary>

${
    markdownTable(
      [
        "#",
        "transport",
        "kind",
        "items",
        "ns/item",
        "CPU ns/item",
        "CPU (producer / consumer)",
        "switches (vol / invol)",
      ],
      rows,
      [true, false, false, true, true, true, false, true],
    )
  }

</details>`;
}

/**
 * A GitHub Markdown table; `|` in cells is escaped.
 *
 * @example
 * ```ts
 * import { markdownTable } from "./markdown.ts";
 * console.log(markdownTable(["a", "b"], [["1", "2"]], [false, true]));
 * ```
 */
export function markdownTable(header: string[], rows: string[][], alignRight: boolean[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [
    line(header),
    `|${alignRight.map((right) => (right ? " ---: " : " --- ")).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}
