import assert from "node:assert/strict";
import { seriesKey } from "../src/plan/series.ts";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { Status } from "../ffi/symbols.ts";
import { measureYardsticks } from "../src/run/yardsticks.ts";
import { FILE_BYTES } from "../src/plan/series.ts";
import { parseBenchOptions } from "../src/plan/options.ts";
import type { Report } from "../src/report/report.ts";
import { loadReport } from "../src/report/schema.ts";
import { runTask } from "./run_task.ts";
import { ourSegments } from "./shm_leaks.ts";

const STEP = 0x9E3779B97F4A7C15n;
const MASK = (1n << 64n) - 1n;

Deno.test("the server answers the right bytes at the edges, and refuses what lies outside the file", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  const fileBytes = 1024n;
  const answer = (offset: bigint, length: bigint, capacity = length) => {
    const reply = new BigUint64Array(Math.max(1, Number(capacity / 8n)));
    return {
      status: shim.symbols.rp_file_answer_test(fileBytes, offset, length, reply, capacity),
      reply,
    };
  };
  const expectWords = (reply: BigUint64Array, offset: bigint) =>
    reply.forEach((word, k) => assert.equal(word, ((offset / 8n + BigInt(k)) * STEP) & MASK));
  const first = answer(0n, 64n);
  assert.equal(first.status, Status.OK);
  expectWords(first.reply, 0n);
  const last = answer(fileBytes - 64n, 64n); // the very end of the file
  assert.equal(last.status, Status.OK);
  expectWords(last.reply, fileBytes - 64n);
  const whole = answer(0n, fileBytes);
  assert.equal(whole.status, Status.OK);
  assert.equal(answer(fileBytes, 0n).status, Status.OK, "an empty read at the end is fine");
  assert.equal(answer(fileBytes - 56n, 64n).status, Status.BAD_REQUEST, "past the end");
  assert.equal(answer(fileBytes + 8n, 8n).status, Status.BAD_REQUEST, "beyond the end");
  assert.equal(answer(4n, 8n).status, Status.BAD_REQUEST, "not word-aligned");
  assert.equal(answer(2n ** 63n, 64n).status, Status.BAD_REQUEST, "an offset that would wrap");
  // Inside the file but longer than a reply: it would run past the reply's buffer (or ring slot).
  assert.equal(answer(0n, 128n, 64n).status, Status.BAD_REQUEST, "longer than a reply");
  assert.equal(answer(0n, 64n, 64n).status, Status.OK, "exactly a reply");
  assert.equal(shim.statusText(Status.BAD_REQUEST), "a request asked for bytes outside the file");
});

Deno.test("the yardsticks: a null system call and pread() of each size, all words checked", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  const y = measureYardsticks(shim, [64, 4096]);
  assert.ok(y.nullSyscallNs > 0);
  assert.deepEqual(y.pread.map((p) => p.sizeBytes), [64, 4096]);
  assert.ok(y.pread.every((p) => p.ns > 0));
  assert.match(y.method, /syscall\(SYS_getppid\)/);
  const left = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].filter((e) =>
    e.name.startsWith(`ringpipe-${Deno.pid}-`)
  );
  assert.deepEqual(left, [], "the pread file and its directory are removed");
  assert.equal(FILE_BYTES, 4 * 1024 * 1024);
});

Deno.test("options: --scenario fileserver brings its own sizes, transports and depths", () => {
  const o = parseBenchOptions(["--scenario", "fileserver"]);
  assert.deepEqual(o.modes, ["fileserver"]);
  assert.deepEqual(o.sizes, [64, 4096, 65536]);
  assert.deepEqual(o.transports, ["shm", "ring-futex", "pipe"]);
  assert.deepEqual(o.depths, [1, 8]);
  assert.deepEqual(parseBenchOptions(["--scenario", "fileserver", "--depth", "4,1,4"]).depths, [
    1,
    4,
  ]);
  assert.throws(
    () => parseBenchOptions(["--scenario", "fileserver", "--mode", "stream"]),
    /has its own mode/,
  );
  assert.throws(
    () => parseBenchOptions(["--depth", "4"]),
    /--depth goes with --scenario fileserver/,
  );
  assert.throws(
    () => parseBenchOptions(["--scenario", "fileserver", "--depth", "65"]),
    /--depth must be a whole number from 1 to 64/,
  );
  assert.throws(
    () => parseBenchOptions(["--scenario", "fileserver", "--sizes", "8"]),
    /at least 16 bytes/,
  );
  assert.throws(() => parseBenchOptions(["--scenario", "nfs"]), /--scenario must be fileserver/);
});

Deno.test("the file-server scenario runs for real, in a short smoke mode, and reports its section", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await runTask("bench", [
      "--scenario",
      "fileserver",
      "--sizes",
      "64,4K",
      "--depth",
      "1,4",
      "--transports",
      "shm,ring-futex,pipe",
      "--iterations",
      "400",
      "--runs",
      "3",
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    // The baselines are measured beside each of the ring server's trials and read as pairs.
    assert.match(
      run.stdout,
      /^Measured beside each of its trials \(3 rounds, the median of the per-round ratios of means\): the ring server's 64 B read took [\d.]+× pread\(\) \([\d.]+% CI [\d.]+-[\d.]+×\)/m,
    );
    assert.match(
      run.stdout,
      /^file server: a read served by another process, against pread\(\)( and io_uring)?$/m,
    );
    assert.match(
      run.stdout,
      /^On this machine a 64 B read served by another process over the spinning ring took /m,
    );
    const [machine] = [...Deno.readDirSync(out)].map((e) => e.name);
    const json = [...Deno.readDirSync(`${out}/${machine}`)].map((e) => e.name)
      .find((n) => n.endsWith(".json") && n !== "machine.json")!;
    const report: Report = await loadReport(`${out}/${machine}/${json}`);
    assert.equal(report.results.length, 12);
    const uringReads = report.yardsticks!.uring?.some((u) => !u.sqpoll) ?? false;
    assert.deepEqual(
      report.controls!.map((c) => `${c.kind} ${c.series}`),
      [
        "pread shm fileserver 64 B cross spin depth 1",
        ...(uringReads ? ["uring-read shm fileserver 64 B cross spin depth 1"] : []),
        "null-syscall shm fileserver 64 B cross spin depth 1",
        "pread shm fileserver 4 KiB cross spin depth 1",
        ...(uringReads ? ["uring-read shm fileserver 4 KiB cross spin depth 1"] : []),
      ],
    );
    for (const c of report.controls!) {
      assert.equal(c.rounds.length, 3, c.kind);
      assert.deepEqual(
        c.beside,
        report.results.find((r) => seriesKey(r) === c.series)!.samples.map((s) => s.nsPerItem),
        "each round is paired with the server's own trial of that round",
      );
      assert.ok(c.rounds.every((ns) => ns > 0 && Number.isFinite(ns)), c.kind);
    }
    for (const r of report.results) {
      assert.equal(r.mode, "fileserver");
      assert.equal(r.unit, "request");
      assert.ok(r.queueDepth === 1 || r.queueDepth === 4);
      assert.equal(r.latency!.roundTrip.count, 3 * 400, "every request of the three trials timed");
    }
    assert.deepEqual(report.yardsticks!.pread.map((p) => p.sizeBytes), [64, 4096]);
    const markdown = await Deno.readTextFile(`${out}/${machine}/${json.replace(/\.json$/, ".md")}`);
    assert.match(markdown, /^## File server: a microkernel-style read against the kernel's own$/m);
    assert.match(markdown, /\| 64 B \| `pread\(\)` \(monolithic\) \|/);
    assert.match(markdown, /What this cannot show:/);
    // io_uring's reads sit beside pread() where the kernel allows them, and the sentences judge them.
    const uring = report.yardsticks!.uring;
    if (uring !== undefined) {
      assert.deepEqual(
        [...new Set(uring.map((u) => `${u.sizeBytes} ${u.depth}`))],
        ["64 1", "64 4", "4096 1", "4096 4"],
      );
      assert.match(markdown, /\| 64 B \| `io_uring read` \(monolithic\) \| 1 \|/);
      assert.match(
        markdown,
        /The monolithic kernel's own ring: one at a time through io_uring a 64 B read took /,
      );
      assert.match(markdown, /(closes|do not close) the gap the essay found/);
    } else {
      assert.match(markdown, /Not measured through io_uring: /);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  assert.deepEqual(await ourSegments(), []);
});

Deno.test("a transport that cannot serve files is refused with one line", async () => {
  const run = await runTask("bench", [
    "--scenario",
    "fileserver",
    "--transports",
    "mq",
    "--no-save",
  ]);
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    "ringpipe bench: mq cannot serve files (one message size each way); leave mq out\n",
  );
});
