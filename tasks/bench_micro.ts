/**
 * `deno task bench:micro`: mitata micro-benchmarks, in one process, of the
 * building blocks that decide what a Deno program gets from a ring or a pipe:
 * an FFI call, a clock read, an `Atomics` operation on mapped memory, a ring
 * push+pop pair in TypeScript and in C, a `Channel` round trip between two
 * threads (`./bench_micro_echo.ts` echoes), a pipe write+read pair through FFI
 * and through `Deno.FsFile`. Printed with mitata's own output, and saved as JSON
 * beside the bench reports (`results/<machine>/<time>_<commit>.micro.json`).
 *
 * @module
 */

import { bench, boxplot, group, run, summary } from "mitata";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import {
  archiveMachine,
  ensureWritableDir,
  machineDir,
  reportStem,
} from "../src/archive/archive.ts";
import { Channel, useShim } from "../src/channel/channel.ts";
import { checkRecords, fillRecords } from "../src/transports/deno_loops.ts";
import { gitState } from "../src/context/environment.ts";
import { requireLinux, runMain } from "../src/base/errors.ts";
import { taskCommandLine } from "../src/base/cli.ts";
import { currentMachine } from "../src/context/machine.ts";
import { chownToInvokingUser } from "../src/base/ownership.ts";
import { Segment } from "../src/memory/segment.ts";
import type { MicroFile } from "../src/report/micro.ts";
import { ECHO_STOP, type EchoStart } from "./bench_micro_echo.ts";

const HELP = `Usage: deno task bench:micro [--quick] [--out DIR] [--no-save]

Micro-benchmarks (mitata) of an FFI call, a clock read, Atomics on mapped
memory, a ring push+pop pair in TypeScript and in C, a Channel round trip
between two threads, and a pipe write+read pair through FFI and through
Deno.FsFile, in one process.

  --quick     a smoke run: only the FFI and clock benchmarks
  --out DIR   where the JSON goes (default results; DIR/<machine>/)
  --no-save   print only
  -h, --help  this text`;

/** libc, for the pipe through FFI: the same calls a C program would make. */
const libc = {
  pipe: { parameters: ["buffer"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** How long a round trip may wait for the echo before the bench gives up. */
const ECHO_PATIENCE_MS = 10_000;

/**
 * A Worker that echoes 8-byte records over two fresh channels, and one round trip through it:
 * reserve, write, commit; spin until the reply is readable, check it, release. The receiving
 * ends publish their tails every 64 records, as the deno ping-pong does.
 */
export async function startEcho(): Promise<{ roundTrip(): number; stop(): Promise<void> }> {
  const publishEvery = 64;
  const requests = await Channel.create({ slots: 1024, slotBytes: 8, fixedSize: true });
  const replies = await Channel.create({
    slots: 1024,
    slotBytes: 8,
    fixedSize: true,
    role: "receiver",
    publishEvery,
  });
  const worker = new Worker(new URL("./bench_micro_echo.ts", import.meta.url).href, {
    type: "module",
  });
  const said = () =>
    new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`the echo worker failed: ${event.message}`));
      };
    });
  let answer = said();
  worker.postMessage(
    { requests: requests.name, replies: replies.name, publishEvery } satisfies EchoStart,
  );
  await answer;
  // Both attached: the names are no longer needed.
  requests.unlink();
  replies.unlink();
  let n = 0;
  const send = (record: number) => {
    while (requests.reserve(1) === 0) { /* spin */ }
    requests.u32[requests.writeSlot * 2] = record;
    requests.commit(1);
  };
  return {
    roundTrip() {
      const record = n = (n + 1) % ECHO_STOP;
      send(record);
      // Spinning holds the event loop, so a failed echo could not say so: give up after 10 s.
      // The clock is read only once a wait is long (every 2^20 looks), never per round trip.
      let deadline = 0;
      for (let spins = 1; replies.readable(1) === 0; spins++) {
        if ((spins & 0xfffff) !== 0) continue;
        const now = performance.now();
        if (deadline === 0) deadline = now + ECHO_PATIENCE_MS;
        else if (now > deadline) {
          throw new Error(`the echo worker did not answer record ${record} within 10 s`);
        }
      }
      const got = replies.u32[replies.readSlot * 2];
      replies.release(1);
      if (got !== record) throw new Error(`the echo sent ${got} for ${record}`);
      return got;
    },
    async stop() {
      answer = said();
      send(ECHO_STOP);
      await answer;
      worker.terminate();
      requests.close();
      replies.close();
    },
  };
}

async function main(): Promise<void> {
  const parsed = taskCommandLine(HELP, {
    args: Deno.args,
    options: {
      quick: { type: "boolean" },
      out: { type: "string" },
      "no-save": { type: "boolean" },
    },
  });
  if (parsed === null) return;
  const { values } = parsed;
  requireLinux();
  const root = values.out ?? "results";
  const save = !(values["no-save"] ?? false);
  if (save) await ensureWritableDir(root);

  using shim = Shim.open((await buildShim()).libraryPath);
  const c = Deno.dlopen("libc.so.6", libc);
  const s = shim.symbols;
  const word = new BigUint64Array(1);
  const wordPointer = Deno.UnsafePointer.of(word)!;
  const mapped = Segment.createRaw(shim, 16_384);
  mapped.unlink();
  const mappedInts = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(mapped.pointer, 4096));
  const sharedInts = new Int32Array(new SharedArrayBuffer(4096));
  const plainInts = new Int32Array(1024);
  // The bench's own ring (ffi/ring.c) of 1,024 8-byte slots, in fresh (zeroed, page-aligned) memory.
  const ringMemory = Segment.createRaw(shim, Number(s.rp_ring_bytes(1024n, 8n)));
  ringMemory.unlink();
  useShim(shim);
  const sender = await Channel.create({ slots: 1024, slotBytes: 16 });
  const receiver = await Channel.attach(sender.name, { role: "receiver" });
  sender.unlink();
  const item = new Uint8Array(8);
  // The deno engine's ring: 8-byte records through the zero-copy API.
  const tx = await Channel.create({ slots: 1024, slotBytes: 8, fixedSize: true });
  const rx = await Channel.attach(tx.name, { role: "receiver" });
  tx.unlink();
  const privateWords = new Uint32Array(2048);
  let next = 0;
  const fds = new Int32Array(2);
  if (c.symbols.pipe(fds) !== 0) throw new Error("pipe() failed");
  const fifoDir = await Deno.makeTempDir({ prefix: "ringpipe-micro-" });
  const fifo = `${fifoDir}/micro.fifo`;
  shim.check(s.rp_fifo_make(new TextEncoder().encode(`${fifo}\0`)), `mkfifo ${fifo}`);
  // Read and write on one descriptor: opening a FIFO for both never blocks on Linux.
  const fsFile = Deno.openSync(fifo, { read: true, write: true });

  try {
    group("crossing into C", () => {
      summary(() => {
        bench("FFI call, no work", () => s.rp_noop());
        bench("FFI call with a pointer argument", () => s.rp_noop_ptr(wordPointer));
      });
    });
    group("reading the clock", () => {
      summary(() => {
        bench("clock_gettime(CLOCK_MONOTONIC) via FFI", () => s.rp_now_ns_ffi());
        bench("performance.now()", () => performance.now());
      });
    });
    if (!values.quick) {
      group("one integer, three kinds of memory", () => {
        boxplot(() => {
          bench("Atomics.store + load, mapped memory", () => {
            Atomics.store(mappedInts, 16, 1);
            return Atomics.load(mappedInts, 16);
          });
          bench("Atomics.store + load, SharedArrayBuffer", () => {
            Atomics.store(sharedInts, 16, 1);
            return Atomics.load(sharedInts, 16);
          });
          bench("plain store + load, typed array", () => {
            plainInts[16] = 1;
            return plainInts[16];
          });
        });
      });
      group("a ring push+pop pair, one process", () => {
        summary(() => {
          bench("TypeScript: Channel.send + receiveInto", () => {
            sender.send(item);
            return receiver.receiveInto(item);
          });
          bench(
            "C, the bench's own ring code: 1,000 pairs in one FFI call (per call)",
            () => s.rp_micro_ring(ringMemory.pointer, 1000n),
          );
        });
      });
      group("a round trip between two threads of one process", () => {
        bench(
          "TypeScript: Channel round trip, 8-byte record, zero-copy (a Worker echoes)",
          async function* () {
            const echo = await startEcho();
            yield () => echo.roundTrip();
            await echo.stop();
          },
        );
      });
      group("64 records through the zero-copy API, one process (per 64)", () => {
        summary(() => {
          bench("the TypeScript loop alone: fill + check 64 records, private array", () => {
            fillRecords(privateWords, 0, next, next + 64);
            return checkRecords(privateWords, 0, next, next += 64);
          });
          bench("the same through the channel's view of mapped memory", () => {
            const w = (next & 1023) * 2;
            fillRecords(tx.u32, w & 2047, next, next + 64);
            return checkRecords(tx.u32, w & 2047, next, next += 64);
          });
          bench("publication alone: reserve + commit + readable + release", () => {
            tx.commit(tx.reserve(64));
            const n = rx.readable(64);
            rx.release(n);
            return n;
          });
          bench("all of it: 64 records pushed, checked and popped", () => {
            const n = tx.reserve(64);
            fillRecords(tx.u32, tx.writeSlot * 2, next, next + n);
            tx.commit(n);
            const m = rx.readable(64);
            const bad = checkRecords(rx.u32, rx.readSlot * 2, next, next + m);
            rx.release(m);
            next += n;
            return bad;
          });
          bench(
            "C, the bench's own ring code: 64 pairs in one FFI call",
            () => s.rp_micro_ring(ringMemory.pointer, 64n),
          );
        });
      });
      group("a pipe write+read pair of 8 bytes, one process", () => {
        summary(() => {
          bench("write() + read() through FFI (libc)", () => {
            c.symbols.write(fds[1], item, 8n);
            return c.symbols.read(fds[0], item, 8n);
          });
          bench("Deno.FsFile writeSync + readSync", () => {
            fsFile.writeSync(item);
            return fsFile.readSync(item);
          });
        });
      });
    }
    const result = await run();
    if (save) {
      const machine = await archiveMachine(root, await currentMachine());
      const dir = machineDir(root, machine.id);
      await ensureWritableDir(dir);
      const createdAt = new Date().toISOString();
      const git = await gitState(new URL("..", import.meta.url).pathname);
      const path = `${dir}/${reportStem(createdAt, git.commit)}.micro.json`;
      const summaryRows = result.benchmarks.flatMap((b) =>
        b.runs.filter((r) => r.stats !== undefined).map((r) => ({
          name: r.name,
          avgNs: r.stats!.avg,
          minNs: r.stats!.min,
          p50Ns: r.stats!.p50,
          p75Ns: r.stats!.p75,
          p99Ns: r.stats!.p99,
          maxNs: r.stats!.max,
          samples: r.stats!.samples.length,
        }))
      );
      const body: MicroFile = {
        format: "ringpipe-micro",
        version: 1,
        createdAt,
        machine,
        deno: Deno.version,
        commit: git.commit,
        quick: values.quick ?? false,
        benchmarks: summaryRows,
      };
      await Deno.writeTextFile(path, `${JSON.stringify(body, null, 2)}\n`, { createNew: true });
      await chownToInvokingUser(path);
      console.log(`\nsaved: ${path}`);
    }
  } finally {
    fsFile.close();
    await Deno.remove(fifoDir, { recursive: true });
    c.symbols.close(fds[0]);
    c.symbols.close(fds[1]);
    receiver.close();
    sender.close();
    rx.close();
    tx.close();
    mapped.unmap();
    ringMemory.unmap();
    c.close();
  }
}

if (import.meta.main) await runMain("bench:micro", main);
