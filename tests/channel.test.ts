import assert from "node:assert/strict";
import process from "node:process";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { Channel, CHANNEL_LAYOUT, ChannelError } from "../src/channel/channel.ts";
import { Segment } from "../src/memory/segment.ts";
import { ourSegments } from "./shm_leaks.ts";

const PEER = new URL("./channel_peer.ts", import.meta.url).pathname;
const C_PEER = new URL("../docs/examples/channel_peer.c", import.meta.url).pathname;

function peer(name: string, action: string, count = 0): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", PEER, name, action, String(count)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function outputOf(child: Deno.ChildProcess): Promise<string> {
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  return text.trim();
}

/** Waits for the peer's first line ("attached"), leaving the rest of its output alone. */
async function attached(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  assert.match(new TextDecoder().decode(value), /attached/);
}

async function kill(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    // already gone
  }
  await child.status;
  await child.stdout.cancel().catch(() => {});
  await child.stderr.cancel().catch(() => {});
}

/** CPU time of this process so far, ms (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Messages of every length from 0 to the slot's maximum, bytes (i + k) & 0xff. */
function message(i: number, max: number): Uint8Array {
  const length = i % (max + 1);
  return Uint8Array.from({ length }, (_, k) => (i + k) & 0xff);
}

Deno.test("two real processes: 10,000 messages of every length, many times round a small ring", async () => {
  const channel = await Channel.create({ slots: 8, slotBytes: 32 });
  try {
    const receiver = peer(channel.name, "receive", 10_000);
    for (let i = 0; i < 10_000; i++) {
      assert.ok(channel.sendWait(message(i, channel.maxMessageBytes), 10_000), `message ${i}`);
    }
    channel.flush();
    const expected = Array.from({ length: 10_000 }, (_, i) => i % 29).reduce((a, b) => a + b, 0);
    assert.equal(await outputOf(receiver), `received 10000 checksum ${expected}`);
  } finally {
    channel.close();
    channel.unlink();
  }
  assert.deepEqual(await ourSegments(Deno.pid), []);
});

Deno.test("two real processes, the other way, with batched publication", async () => {
  const channel = await Channel.create({
    slots: 16,
    slotBytes: 64,
    publishEvery: 8,
    role: "receiver",
  });
  try {
    const sender = peer(channel.name, "send", 5_000);
    const buffer = new Uint8Array(channel.maxMessageBytes);
    for (let i = 0; i < 5_000; i++) {
      const length = channel.receiveWaitInto(buffer, 10_000);
      assert.equal(length, i % 61);
      for (let k = 0; k < length; k++) assert.equal(buffer[k], (i + k) & 0xff);
    }
    assert.equal(await outputOf(sender), "sent 5000");
  } finally {
    channel.close();
    channel.unlink();
  }
});

Deno.test("full and empty, and the bulk forms", async () => {
  const a = await Channel.create({ slots: 4, slotBytes: 16 });
  const b = await Channel.attach(a.name, { role: "receiver" });
  try {
    assert.equal(b.receive(), null, "empty");
    for (let i = 0; i < 4; i++) assert.equal(a.send(message(i, 12)), true);
    assert.equal(a.send(message(4, 12)), false, "full");
    assert.equal(b.receive()!.length, 0);
    assert.equal(a.send(message(4, 12)), true, "room again");
    const seen: number[] = [];
    assert.equal(b.receiveBatch(10, (m) => seen.push(m.length)), 4);
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(
      a.sendBatch([message(1, 12), message(2, 12), message(3, 12), message(4, 12), message(5, 12)]),
      4,
    );
    assert.equal(b.receiveBatch(2, () => {}), 2);
    assert.throws(
      () => a.send(new Uint8Array(13)),
      /a message of 13 bytes does not fit a 16-byte slot \(at most 12\)/,
    );
    assert.throws(() => b.receiveInto(new Uint8Array(1)), /does not fit a 1-byte buffer/);
  } finally {
    b.close();
    a.close();
    a.unlink();
  }
});

Deno.test("a peer that went away, or closed, is an error, not a hang", async () => {
  // The spinning wait, the blocking one and the one on a pool thread: the sleeping waits ask
  // /proc only after a sleep no wake ended, so they notice within a slice (100 ms).
  const waits: [string, (rx: Channel<"receiver">) => Promise<unknown>][] = [
    ["receiveWaitInto", async (rx) => await rx.receiveWaitInto(new Uint8Array(12), 10_000)],
    ["readableBlocking", async (rx) => await rx.readableBlocking(1, 10_000)],
    ["receiveAsync", (rx) => rx.receiveAsync(10_000)],
  ];
  for (const [name, wait] of waits) {
    const channel = await Channel.create({ slots: 4, slotBytes: 16, role: "receiver" });
    try {
      const child = peer(channel.name, "hang");
      const reader = child.stdout.getReader();
      await reader.read(); // "attached"
      reader.releaseLock();
      child.kill("SIGKILL");
      await child.status;
      const started = performance.now();
      await assert.rejects(() => wait(channel), (error: unknown) => {
        assert.ok(error instanceof ChannelError, `${name}: ${error}`);
        assert.match(error.message, /^the peer \(process \d+\) is gone$/);
        return true;
      });
      assert.ok(performance.now() - started < 2_000, `${name}: noticed at once`);
      await child.stderr.cancel();
    } finally {
      channel.close();
      channel.unlink();
    }
  }
  const a = await Channel.create({ slots: 2, slotBytes: 8, role: "receiver" });
  const b = await Channel.attach(a.name);
  assert.equal(b.role, "sender");
  b.close();
  assert.throws(
    () => a.receiveWaitInto(new Uint8Array(4), 10_000),
    /^ChannelError: the peer closed the channel/,
  );
  a.close();
  a.unlink();
});

Deno.test("closing twice does nothing; using a closed end is an error; bad sizes are refused", async () => {
  const a = await Channel.create({ slots: 2, slotBytes: 8 });
  a.close();
  a.close();
  assert.throws(() => a.send(new Uint8Array(1)), (error: unknown) => error instanceof ChannelError);
  a.unlink();
  await assert.rejects(() => Channel.create({ slots: 3 }), /slots must be a power of two/);
  await assert.rejects(
    () => Channel.create({ slotBytes: 12 }),
    /slotBytes must be a multiple of 8/,
  );
  await assert.rejects(
    () => Channel.create({ publishEvery: 0 }),
    /publishEvery must be a whole number/,
  );
  await assert.rejects(
    () => Channel.attach("/ringpipe-1-0000000000000000"),
    /cannot open shared memory/,
  );
});

Deno.test("the deno engine: both loops in TypeScript, verified, side by side with the native ones", async () => {
  const { runTask } = await import("./run_task.ts");
  const out = await Deno.makeTempDir();
  try {
    const run = await runTask("bench", [
      "--engine",
      "both",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--iterations",
      "20000",
      "--runs",
      "2",
      "--publish-every",
      "8,1",
      "--ring-slots",
      "1024",
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ 8 B {2}shm \(deno\)\s+2\s/m);
    assert.match(run.stdout, /^ 8 B {2}shm \(deno, every 8\)\s+2\s/m);
    assert.match(run.stdout, /^ 8 B {2}pipe \(deno\)\s+2\s/m);
    const { loadReport } = await import("../src/report/schema.ts");
    const [machine] = [...Deno.readDirSync(out)].map((e) => e.name);
    const json = [...Deno.readDirSync(`${out}/${machine}`)].map((e) => e.name)
      .find((n) => n.endsWith(".json") && n !== "machine.json")!;
    const report = await loadReport(`${out}/${machine}/${json}`);
    // One deno ring series per publication cadence; the pipe has no cadence.
    assert.deepEqual(
      report.results.map((r) => `${r.transport} ${r.engine} ${r.publishEvery ?? "-"}`),
      ["shm native -", "pipe native -", "shm deno 1", "shm deno 8", "pipe deno -"],
    );
    assert.ok(
      report.results.every((r) => r.verified && r.samples.every((s) => s.iterations === 20000)),
    );
    assert.deepEqual(
      report.comparisons.map((c) => `${c.name}: ${c.numerator} / ${c.denominator}`),
      [
        "pipe/shm: pipe / shm",
        "pipe/shm: pipe / shm (deno)",
        "pipe/shm: pipe / shm (deno, every 8)",
        "deno/native: shm (deno) / shm (native)",
        "deno/native: shm (deno, every 8) / shm (native)",
        "deno/native: pipe (deno) / pipe (native)",
      ],
    );
    // The deno loops' Channels hold as many slots as the native ring (--ring-slots).
    assert.deepEqual(
      report.results.map((r) => r.capacity?.messages),
      [1024, 8192, 1024, 1024, 8192],
    );
    assert.equal(report.parameters.engines?.join(","), "native,deno");
    assert.deepEqual(report.parameters.publishEvery, [1, 8]);
    assert.match(
      run.stdout,
      /^deno\/native: shm \(deno\) 8 B [\d.]+x \(95% CI [\d.]+-[\d.]+x\), shm \(deno, every 8\) 8 B [\d.]+x .*, pipe \(deno\) 8 B [\d.]+x/m,
    );
    const markdown = await Deno.readTextFile(`${out}/${machine}/${json.replace(/json$/, "md")}`);
    assert.match(markdown, /## The deno engine against the native loops/);
    assert.match(
      markdown,
      /`shm` 8 B: 1,024 — ring slots.*`shm \(deno\)` 8 B: 1,024 — ring slots/,
    );
    for (const every of [1, 8]) {
      assert.match(
        markdown,
        new RegExp(
          `^\\| stream \\| 8 B \\| \`shm\` \\| ${every} \\| cross \\| [\\d.,]+ (ns|µs) \\| [\\d.,]+ (ns|µs) \\| [\\d.]+× \\(95% CI `,
          "m",
        ),
      );
    }
    // The trial log of the deno series is in the JSON: every timed trial, in measured order.
    const orders = report.results.flatMap((r) => r.samples.map((x) => x.order));
    assert.equal(new Set(orders).size, 10, "ten timed trials, each with its own place");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("attaching to something that is not a channel is a ChannelError, never a crash", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  const refused = async (name: string, pattern: RegExp) => {
    await assert.rejects(Channel.attach(name), (error: unknown) => {
      assert.ok(error instanceof ChannelError, String(error));
      assert.match(error.message, pattern);
      return true;
    });
  };
  // Shorter than a header: mapping it and reading would be SIGBUS.
  const tiny = Segment.createRaw(shim, 8);
  // Long enough, but zeros: no magic.
  const zeros = Segment.createRaw(shim, 4096);
  const header = new Int32Array(Deno.UnsafePointerView.getArrayBuffer(zeros.pointer, 16));
  try {
    await refused(tiny.name, /^cannot attach to \S+: .*smaller than 320 bytes$/);
    await refused(zeros.name, /is not a ringpipe channel/);
    await refused("/ringpipe-no-such-channel", /^cannot attach to .*No such file or directory/);
    header[0] = 0x5250_4348; // the magic, version and a bad slot count
    header[1] = 2;
    header[2] = 3;
    header[3] = 16;
    await refused(zeros.name, /damaged header: slots must be a power of two .* got 3$/);
    header[2] = 1 << 20; // a valid geometry the segment is far too small for
    await refused(zeros.name, /smaller than \d+ bytes$/);
  } finally {
    for (const segment of [tiny, zeros]) {
      segment.unmap();
      segment.unlink();
    }
  }
});

Deno.test("the deno engine beyond 8-byte streams: ping-pong, 4 KiB, the sleeping ring, paced", async () => {
  const { runTask } = await import("./run_task.ts");
  const { loadReport } = await import("../src/report/schema.ts");
  const out = await Deno.makeTempDir();
  try {
    for (
      const extra of [
        [],
        ["--pace", "200us", "--sizes", "8", "--mode", "pingpong"],
        // Both loops on one CPU: the spinning side gives the CPU away, or a round trip takes slices.
        ["--placement", "same", "--sizes", "8", "--mode", "pingpong", "--transports", "shm"],
      ]
    ) {
      const run = await runTask("bench", [
        "--engine",
        "deno",
        "--transports",
        "shm,ring-futex,pipe",
        "--mode",
        "all",
        "--sizes",
        "8,4K",
        "--iterations",
        "3000",
        "--runs",
        "1",
        "--out",
        out,
        "--machine",
        "m",
        ...extra,
      ]);
      assert.equal(run.code, 0, run.stderr);
    }
    const reports = await Promise.all(
      [...Deno.readDirSync(`${out}/m`)].map((e) => e.name)
        .filter((n) => n.endsWith(".json") && n !== "machine.json").sort()
        .map((n) => loadReport(`${out}/m/${n}`)),
    );
    const [matrix, paced, shared] = reports;
    assert.deepEqual(shared.results.map((r) => `${r.transport} ${r.placement}`), ["shm same"]);
    assert.deepEqual(
      matrix.results.map((r) => `${r.transport} ${r.mode} ${r.sizeBytes} ${r.engine}`),
      [
        "shm stream 8 deno",
        "ring-futex stream 8 deno",
        "pipe stream 8 deno",
        "shm stream 4096 deno",
        "ring-futex stream 4096 deno",
        "pipe stream 4096 deno",
        "shm pingpong 8 deno",
        "ring-futex pingpong 8 deno",
        "pipe pingpong 8 deno",
        "shm pingpong 4096 deno",
        "ring-futex pingpong 4096 deno",
        "pipe pingpong 4096 deno",
      ],
    );
    for (const r of matrix.results.filter((r) => r.mode === "pingpong")) {
      // Every 17th round trip is timed, as the native client does.
      assert.equal(r.latency!.roundTrip.count, Math.ceil(3000 / 17), r.transport);
    }
    for (const r of paced.results) {
      assert.equal(r.paceNs, 200_000);
      assert.equal(r.latency!.roundTrip.count, 3000, "paced: every round trip timed");
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("zero-copy records across the 2^32 wrap of the indices, every record checked", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  const made = await Channel.create({ slots: 64, slotBytes: 8, fixedSize: true });
  const name = made.name;
  made.close(); // frees the sender's end
  // Start both indices 100 messages short of 2^32.
  const raw = Segment.attach(shim, name, CHANNEL_LAYOUT.HEADER_BYTES);
  const header = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer(raw.pointer, CHANNEL_LAYOUT.HEADER_BYTES),
  );
  header[CHANNEL_LAYOUT.HEAD / 4] = -100;
  header[CHANNEL_LAYOUT.TAIL / 4] = -100;
  raw.unmap();
  using tx = await Channel.attach(name, { role: "sender" });
  using rx = await Channel.attach(name, { role: "receiver" });
  Segment.attach(shim, name, 8).unlink();
  const total = 1_000;
  let sent = 0;
  let got = 0;
  while (got < total) {
    const n = tx.reserve(Math.min(7, total - sent));
    for (let k = 0; k < n; k++) tx.f64[tx.writeSlot + k] = sent + k;
    tx.commit(n);
    sent += n;
    const ready = rx.readable(5);
    for (let k = 0; k < ready; k++) assert.equal(rx.f64[rx.readSlot + k], got + k);
    rx.release(ready);
    got += ready;
  }
  assert.equal(got, total);
  assert.equal(rx.readable(1), 0, "nothing left");
  assert.throws(() => rx.release(1), /more than the messages readable/);
  assert.throws(() => tx.commit(65), /more than the free slots/);
  assert.deepEqual(await ourSegments(Deno.pid), []);
});

Deno.test("one owner per end: a live holder is refused by pid, a closed or dead one taken over", async () => {
  const channel = await Channel.create({ slots: 4, slotBytes: 16 });
  const child = peer(channel.name, "hang"); // takes the receiver's end
  try {
    await attached(child);
    await assert.rejects(Channel.attach(channel.name), (error: unknown) => {
      assert.ok(error instanceof ChannelError);
      assert.equal(
        error.message,
        `the receiver's end of ${channel.name} is held by process ${child.pid}`,
      );
      return true;
    });
    await assert.rejects(
      Channel.attach(channel.name, { role: "sender" }),
      new RegExp(`the sender's end of \\S+ is held by process ${Deno.pid} \\(this one\\)`),
    );
    await kill(child);
    {
      using taken = await Channel.attach(channel.name); // its holder died
      assert.equal(taken.role, "receiver");
      assert.ok(taken.isReceiver());
      assert.ok(channel.send(new Uint8Array([7])));
      assert.deepEqual(taken.receive(), new Uint8Array([7]));
      // The type checker refuses the wrong end's methods; JavaScript callers meet the run-time check.
      // @ts-expect-error: a receiver has no send
      assert.throws(() => taken.send(new Uint8Array(1)), /is the receiver: it cannot send/);
    } // `using` closed it: the end is free again
    using again = await Channel.attach(channel.name);
    assert.equal(again.role, "receiver");
  } finally {
    await kill(child);
    channel.close();
    channel.unlink();
  }
});

Deno.test("sleeping ends never miss a wake-up: 10,000 round trips, both sides asleep at every wait", async () => {
  // Both ends announce that they sleep, look once more and sleep, at every wait (no spin), so the
  // publisher's look at the announcement races the sleeper's last look thousands of times. A
  // wake-up lost in that race would leave the sleeper to its 100 ms time-out; a round trip
  // takes tens of microseconds.
  using requests = await Channel.create({
    slots: 8,
    slotBytes: 8,
    fixedSize: true,
    spinMicros: 0,
  });
  using replies = await Channel.create({
    slots: 8,
    slotBytes: 8,
    fixedSize: true,
    role: "receiver",
    spinMicros: 0,
  });
  const count = 10_000;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", PEER, requests.name, "echo", String(count), replies.name],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    await attached(child);
    requests.unlink();
    replies.unlink();
    let slowest = 0;
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      assert.ok(requests.reserveBlocking(1, 10_000) > 0);
      requests.u32[requests.writeSlot * 2] = i;
      requests.commit(1);
      assert.equal(replies.readableBlocking(1, 10_000), 1, `reply ${i}`);
      assert.equal(replies.u32[replies.readSlot * 2], i);
      replies.release(1);
      slowest = Math.max(slowest, performance.now() - started);
      assert.ok(slowest < 80, `round trip ${i} took ${slowest.toFixed(1)} ms: a wake-up was lost`);
    }
    assert.match(await outputOf(child), /echoed 10000/);
  } finally {
    await kill(child);
  }
});

/** Receiving one message as the tests of sleeping waits do: the message as text. */
const sleepingWaits: [string, (channel: Channel<"receiver">) => string | Promise<string>][] = [
  ["receiveAsync", async (c) => new TextDecoder().decode((await c.receiveAsync(10_000))!)],
  ["readableBlocking, on this thread,", (c) => {
    assert.equal(c.readableBlocking(4, 10_000), 1);
    const at = c.readSlot * c.slotBytes + 4;
    const text = new TextDecoder().decode(c.bytes.subarray(at, at + 4));
    c.release(1);
    return text;
  }],
];

for (const [how, receive] of sleepingWaits) {
  Deno.test(`${how} sleeps while idle (next to no CPU), wakes on a message, and on the peer's death`, async () => {
    const channel = await Channel.create({ slots: 4, slotBytes: 16, role: "receiver" });
    const child = peer(channel.name, "late", 1_000);
    try {
      await attached(child);
      const cpuBefore = cpuMs();
      const started = performance.now();
      const message = await receive(channel);
      const waited = performance.now() - started;
      const cpu = cpuMs() - cpuBefore;
      assert.equal(message, "late");
      assert.ok(waited > 500, `woke after ${waited} ms, before the message`);
      // A spinning receiver would have burned about the whole wait.
      assert.ok(cpu < waited / 4, `${cpu.toFixed(1)} ms of CPU in ${waited.toFixed(0)} ms asleep`);
      // Killed from another process while this one waits (a blocking wait holds this thread).
      const killer = new Deno.Command("sh", {
        args: ["-c", `sleep 0.2; kill -KILL ${child.pid}`],
      }).spawn();
      await assert.rejects(
        async () => await receive(channel),
        /^ChannelError: the peer \(process \d+\) is gone$/,
      );
      await killer.status;
    } finally {
      await kill(child);
      channel.close();
      channel.unlink();
    }
  });
}

Deno.test("the timeouts: nothing to receive, no room to send; close() ends a wait in progress", async () => {
  using tx = await Channel.create({ slots: 2, slotBytes: 8, fixedSize: true });
  using rx = await Channel.attach(tx.name, { role: "receiver" });
  tx.unlink();
  let started = performance.now();
  assert.equal(await rx.receiveAsync(150), null);
  assert.ok(performance.now() - started >= 150);
  assert.equal(rx.receiveWaitInto(new Uint8Array(8), 50), -1);
  assert.equal(await rx.readableAsync(1, 20), 0);
  const record = new Uint8Array(8);
  assert.ok(tx.send(record) && tx.send(record));
  started = performance.now();
  assert.equal(await tx.sendAsync(record, 150), false, "full");
  assert.ok(performance.now() - started >= 150);
  assert.equal(tx.sendWait(record, 50), false);
  assert.equal(await tx.reserveAsync(1, 20), 0);
  // A receiver freeing a slot wakes a sender asleep on a full ring.
  const sending = tx.sendAsync(record, 10_000);
  setTimeout(() => rx.receive(), 200);
  assert.equal(await sending, true);
  // Closing an end while it sleeps: the wait ends with an error, nothing touches the unmapped memory.
  assert.equal(rx.receive()!.length, 8);
  assert.equal(rx.receive()!.length, 8);
  const waiting = rx.receiveAsync(10_000);
  setTimeout(() => rx.close(), 100);
  await assert.rejects(waiting, /closed while waiting/);
  assert.throws(() => rx.receive(), /is closed/);
  await assert.rejects(Channel.create({ spinMicros: -1 }), /spinMicros must be/);
  await assert.rejects(
    Channel.create({ slotBytes: 8, fixedSize: true, role: "nobody" as "sender" }),
    /role must be/,
  );
  assert.throws(() => tx.send(new Uint8Array(4)), /is not one 8-byte record/);
});

Deno.test("a blocking wait allocates nothing per wait, once V8 has optimised it", async () => {
  // Heap growth over chunks of 20,000 waits that find nothing (time-out 0: the looks, the spin,
  // the announcement, the time-out), after 50,000 to warm up. A chunk in which a scavenge ran shows
  // the heap shrinking and is left out. When the deadline was handed to the spin as an argument,
  // V8 boxed it: 16 bytes per wait in every chunk. What is left is the peer check, a read of /proc
  // every 20 ms (0.1 to 0.9 bytes per wait here).
  using tx = await Channel.create({ slots: 8, slotBytes: 8, fixedSize: true });
  using rx = await Channel.attach(tx.name, { role: "receiver", spinMicros: 0 });
  tx.unlink();
  const waits = 20_000;
  let got = 0;
  for (let i = 0; i < 50_000; i++) got += rx.readableBlocking(1, 0);
  const perWait: number[] = [];
  for (let chunk = 0; chunk < 10; chunk++) {
    const before = Deno.memoryUsage().heapUsed;
    for (let i = 0; i < waits; i++) got += rx.readableBlocking(1, 0);
    const grown = Deno.memoryUsage().heapUsed - before;
    if (grown >= 0) perWait.push(grown / waits);
  }
  assert.equal(got, 0);
  perWait.sort((a, b) => a - b);
  assert.ok(perWait.length >= 5, `a scavenge in ${10 - perWait.length} of 10 chunks`);
  const median = perWait[Math.floor(perWait.length / 2)];
  assert.ok(
    median < 2,
    `${median.toFixed(2)} bytes per wait (chunks: ${perWait.map((b) => b.toFixed(2))})`,
  );
});

Deno.test({
  name: "a C program is the other end: it receives from Deno, and wakes a sleeping Deno receiver",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const exe = await Deno.makeTempFile({ prefix: "ringpipe-channel-peer-" });
    try {
      const cc = await new Deno.Command(Deno.env.get("CC") ?? "cc", {
        args: ["-O2", "-o", exe, C_PEER],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
      const run = (name: string, action: string, count: number) =>
        new Deno.Command(exe, {
          args: [name, action, String(count)],
          stdout: "piped",
          stderr: "piped",
        }).spawn();
      const count = 100_000;
      // Deno sends through the zero-copy API; C receives and checks.
      {
        using tx = await Channel.create({ slots: 256, slotBytes: 8, fixedSize: true });
        const child = run(tx.name, "receive", count);
        for (let i = 0; i < count;) {
          const n = await tx.reserveAsync(Math.min(32, count - i), 10_000);
          assert.ok(n > 0, `timed out at ${i}`);
          for (let k = 0; k < n; k++, i++) {
            tx.u32[(tx.writeSlot + k) * 2] = i;
            tx.u32[(tx.writeSlot + k) * 2 + 1] = 0;
          }
          tx.commit(n);
        }
        assert.equal(await outputOf(child), `received ${count} sum ${(count * (count - 1)) / 2}`);
        tx.unlink();
      }
      // C sends; Deno receives with receiveIntoAsync, woken by C's FUTEX_WAKE.
      {
        using rx = await Channel.create({
          slots: 256,
          slotBytes: 8,
          fixedSize: true,
          role: "receiver",
        });
        const child = run(rx.name, "send", count);
        const record = new Uint8Array(8);
        const view = new DataView(record.buffer);
        for (let i = 0; i < count; i++) {
          assert.equal(await rx.receiveIntoAsync(record, 10_000), 8);
          if (view.getUint32(0, true) !== i) {
            assert.fail(`record ${i} holds ${view.getUint32(0, true)}`);
          }
        }
        assert.equal(await outputOf(child), `sent ${count}`);
        rx.unlink();
      }
    } finally {
      await Deno.remove(exe);
    }
    assert.deepEqual(await ourSegments(Deno.pid), []);
  },
});

Deno.test("channels created at once build and open the shim once", async () => {
  // A fresh process: the module has loaded no shim yet.
  const script = `
    import { Channel, shimLoads } from ${
    JSON.stringify(new URL("../src/channel/channel.ts", import.meta.url).href)
  };
    const ends = await Promise.all([1, 2, 3].map(() => Channel.create({ slots: 4, slotBytes: 16 })));
    for (const end of ends) { end.unlink(); end.close(); }
    console.log(shimLoads());
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  assert.equal(new TextDecoder().decode(output.stdout).trim(), "1");
});

Deno.test("release with publishEvery holds the tail back until that many, and never past a full ring", async () => {
  using tx = await Channel.create({ slots: 4, slotBytes: 8, fixedSize: true });
  using rx = await Channel.attach(tx.name, { role: "receiver", publishEvery: 3 });
  tx.unlink();
  const tail = () =>
    new Uint32Array(tx.bytes.buffer, tx.bytes.byteOffset - CHANNEL_LAYOUT.HEADER_BYTES)[
      CHANNEL_LAYOUT.TAIL / 4
    ];
  tx.commit(tx.reserve(4));
  assert.equal(rx.readable(4), 4);
  rx.release(1);
  rx.release(1);
  assert.equal(tail(), 0, "two released, not yet published");
  assert.equal(tx.reserve(4), 0, "so the sender still sees a full ring");
  rx.release(1);
  assert.equal(tail(), 3, "the third publishes all three");
  rx.release(1);
  assert.equal(rx.readable(1), 0);
  assert.equal(tail(), 3, "an empty ring publishes nothing: the store stays off a round trip");
  assert.equal(tx.reserve(4), 3, "the sender has room for the three published");
  rx.close();
  assert.equal(tail(), 4, "close publishes what was held back");

  // Asked for more than the ring holds, the receiver publishes once it has freed a whole ring,
  // so a sender that filled it is never left waiting.
  using tx2 = await Channel.create({ slots: 4, slotBytes: 8, fixedSize: true });
  using rx2 = await Channel.attach(tx2.name, { role: "receiver", publishEvery: 64 });
  tx2.unlink();
  tx2.commit(tx2.reserve(4));
  assert.equal(tx2.reserve(1), 0, "full");
  for (let k = 0; k < 4; k++) {
    assert.equal(rx2.readable(1), 1);
    rx2.release(1);
  }
  assert.equal(tx2.reserve(4), 4, "the fourth release published the tail");
});
