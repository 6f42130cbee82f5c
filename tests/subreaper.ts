/**
 * Runs a bench as a child of a subreaper (`PR_SET_CHILD_SUBREAPER`), so that
 * whatever the bench leaves unreaped when it exits becomes this process's
 * child and shows, instead of being reaped by an init that might: interrupts
 * the bench once both of its workers loop, and prints what the bench exited
 * with and every child left behind, as JSON. Used by `faults.test.ts`.
 */

const [signal, ...benchArgs] = Deno.args;
const libc = Deno.dlopen("libc.so.6", {
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
});
const PR_SET_CHILD_SUBREAPER = 36;
if (libc.symbols.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) !== 0) {
  console.log(JSON.stringify({ error: "prctl(PR_SET_CHILD_SUBREAPER) failed" }));
  Deno.exit(0);
}

/** Processes whose parent is `pid`, with their state letter (Z: a zombie). */
function childrenOf(pid: number): { pid: number; state: string; name: string }[] {
  const found = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const status = Deno.readTextFileSync(`/proc/${entry.name}/status`);
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== pid) continue;
      found.push({
        pid: Number(entry.name),
        state: /^State:\s+(\S)/m.exec(status)?.[1] ?? "?",
        name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?",
      });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bench = new Deno.Command(Deno.execPath(), {
  args: ["run", "--allow-all", ...benchArgs],
  env: { NO_COLOR: "1" },
  stdin: "null",
  stdout: "null",
  stderr: "null",
}).spawn();
const deadline = Date.now() + 20_000;
while (childrenOf(bench.pid).length < 2 && Date.now() < deadline) await sleep(50);
await sleep(1000);
const workers = childrenOf(bench.pid).map((c) => c.pid);
bench.kill(signal as Deno.Signal);
const { code } = await bench.status;
await sleep(1500); // time for anything still running to exit and become a zombie here
console.log(JSON.stringify({ code, workers, leftovers: childrenOf(Deno.pid) }));
libc.close();
