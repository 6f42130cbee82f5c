import assert from "node:assert/strict";
import { Channel, ChannelError } from "../src/channel/channel.ts";
import { ourSegments } from "./shm_leaks.ts";

const PEER = new URL("./channel_peer.ts", import.meta.url).pathname;

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
  const b = await Channel.attach(a.name);
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
  const channel = await Channel.create({ slots: 4, slotBytes: 16, role: "receiver" });
  try {
    const child = peer(channel.name, "hang");
    const reader = child.stdout.getReader();
    await reader.read(); // "attached"
    reader.releaseLock();
    child.kill("SIGKILL");
    await child.status;
    const started = performance.now();
    assert.throws(() => channel.receiveWaitInto(new Uint8Array(12), 10_000), (error: unknown) => {
      assert.ok(error instanceof ChannelError);
      assert.match(error.message, /^the peer \(process \d+\) is gone$/);
      return true;
    });
    assert.ok(performance.now() - started < 2_000, "noticed at once");
    await child.stderr.cancel();
  } finally {
    channel.close();
    channel.unlink();
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
  const { buildShim } = await import("../ffi/build.ts");
  const { Shim } = await import("../ffi/library.ts");
  const { Segment } = await import("../src/memory/segment.ts");
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
    for (const extra of [[], ["--pace", "200us", "--sizes", "8", "--mode", "pingpong"]]) {
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
    const [matrix, paced] = reports;
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
      // Every 16th round trip is timed, as the native client does.
      assert.equal(r.latency!.roundTrip.count, Math.ceil(3000 / 16), r.transport);
    }
    for (const r of paced.results) {
      assert.equal(r.paceNs, 200_000);
      assert.equal(r.latency!.roundTrip.count, 3000, "paced: every round trip timed");
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
