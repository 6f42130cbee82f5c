/**
 * The layout's promise, checked on the real import graph (`deno info --json`):
 * no module imports itself through others, and every import points down the
 * flow, from a folder to the same folder or one listed before it.
 */
import assert from "node:assert/strict";

/** The folders in the order the data flows; a module may import only its own folder or earlier ones. */
export const LAYERS = [
  "src/base",
  "ffi",
  "src/stats",
  "src/memory",
  "src/channel",
  "src/context",
  "src/transports",
  "src/plan",
  "src/run",
  "src/report",
  "src/render",
  "src/archive",
  "src/bench",
  "mod.ts",
  "tasks",
] as const;

const ROOT = new URL("../", import.meta.url);
const relative = (specifier: string) =>
  decodeURIComponent(new URL(specifier).pathname)
    .slice(ROOT.pathname.length);

function layerOf(path: string): number {
  const index = LAYERS.findIndex((layer) => path === layer || path.startsWith(`${layer}/`));
  assert.ok(index >= 0, `${path} is in no layer: add its folder to LAYERS`);
  return index;
}

/** What `deno info --json` says of an entry point: its roots and every module with its imports. */
interface DenoInfo {
  roots: string[];
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
  }[];
}

async function denoInfo(entry: string): Promise<DenoInfo> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Every local module reachable from the entry points, with the local modules it imports. */
async function importGraph(): Promise<Map<string, string[]>> {
  const entries = [
    "mod.ts",
    ...[...Deno.readDirSync(new URL("tasks/", ROOT))].map((e) => `tasks/${e.name}`),
  ];
  const graph = new Map<string, string[]>();
  for (const entry of entries) {
    const info = await denoInfo(entry);
    for (const module of info.modules) {
      if (!module.specifier.startsWith(ROOT.href) || !module.specifier.endsWith(".ts")) continue;
      const targets = (module.dependencies ?? []).flatMap((
        d,
      ) => [d.code?.specifier, d.type?.specifier])
        .filter((s): s is string => s !== undefined && s.startsWith(ROOT.href) && s.endsWith(".ts"))
        .map(relative);
      graph.set(relative(module.specifier), [...new Set(targets)]);
    }
  }
  return graph;
}

/** The cycles of a graph (Tarjan's strongly connected components of more than one module, or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

Deno.test("the cycle finder finds cycles, and only cycles", () => {
  const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]], ["e", ["e"]]]);
  assert.deepEqual(cycles(graph), [["a", "b", "c"], ["e"]]);
  assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", []]])), []);
});

Deno.test("no import cycles, and every import points down the flow", async () => {
  const graph = await importGraph();
  assert.ok(graph.size > 40, `${graph.size} modules`);
  assert.deepEqual(cycles(graph), [], "import cycles");
  const upward: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (layerOf(to) > layerOf(from)) upward.push(`${from} -> ${to}`);
    }
  }
  assert.deepEqual(upward, [], "imports that point up the flow");
});

/** Local modules that `entry` loads at run time: its code imports, followed (type imports are erased). */
async function loadedAtRunTime(entry: string): Promise<string[]> {
  const info = await denoInfo(entry);
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const specifier = stack.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const d of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (d.code !== undefined) stack.push(d.code.specifier);
    }
  }
  return [...seen].filter((s) => s.startsWith(ROOT.href)).map(relative).sort();
}

Deno.test("the read side stands alone: ./report loads nothing of the shim, the runs, the transports or the Channel", async () => {
  const loaded = await loadedAtRunTime("src/archive/mod.ts");
  assert.ok(loaded.includes("src/report/schema.ts") && loaded.includes("src/render/markdown.ts"));
  const outside = loaded.filter((path) =>
    ["ffi/", "src/run/", "src/transports/", "src/channel/"].some((folder) =>
      path.startsWith(folder)
    )
  );
  assert.deepEqual(outside, [], "a tool that only reads reports needs no C compiler's world");
  assert.ok(!loaded.includes("src/report/build.ts"), "building a report is the bench's");
  // Nor does type-checking it: the shapes a report carries are types of their own
  // (src/base/measured.ts), not imported from the code that measures them.
  const checked = (await denoInfo("src/archive/mod.ts")).modules.map((m) => m.specifier)
    .filter((s) => s.startsWith(ROOT.href)).map(relative);
  const typed = checked.filter((path) =>
    ["ffi/", "src/run/", "src/transports/", "src/channel/", "src/memory/"].some((folder) =>
      path.startsWith(folder)
    )
  );
  assert.deepEqual(typed, [], "reading reports type-checks without the measuring code");
});

Deno.test("mod.ts exports what a reader or a Channel user needs, at most 60 names, no internals", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: ROOT.pathname,
    stdout: "piped",
  }).output();
  const doc = JSON.parse(new TextDecoder().decode(output.stdout));
  const names: string[] = Object.values(
    doc.nodes as Record<string, { symbols: { name: string }[] }>,
  )
    .flatMap((file) => file.symbols.map((s) => s.name));
  assert.ok(names.length <= 60, `${names.length} names: ${names.join(", ")}`);
  for (const needed of ["Channel", "ChannelError", "loadReport", "Report", "compareReports"]) {
    assert.ok(names.includes(needed), `${needed} is missing`);
  }
  // The file's own encoding and the bench's plumbing stay inside.
  const internal = names.filter((n) =>
    /^File[A-Z]/.test(n) || ["encodeReport", "validateReport", "Series", "Shim"].includes(n)
  );
  assert.deepEqual(internal, []);
});
