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

/** Waits for the peer's first line ("attached"), leaving the rest of its output alone. */
async function attached(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  assert.match(new TextDecoder().decode(value), /attached/);
}

async function finish(child: Deno.ChildProcess): Promise<string> {
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  return text.trim();
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
      assert.ok(channel.send(new Uint8Array([7])));
      assert.deepEqual(taken.receive(), new Uint8Array([7]));
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

Deno.test("receiveAsync sleeps while idle (next to no CPU), wakes on a message, and on the peer's death", async () => {
  const channel = await Channel.create({ slots: 4, slotBytes: 16, role: "receiver" });
  const child = peer(channel.name, "late", 1_000);
  try {
    await attached(child);
    const cpuBefore = cpuMs();
    const started = performance.now();
    const message = await channel.receiveAsync(10_000);
    const waited = performance.now() - started;
    const cpu = cpuMs() - cpuBefore;
    assert.equal(new TextDecoder().decode(message!), "late");
    assert.ok(waited > 500, `woke after ${waited} ms, before the message`);
    // A spinning receiver would have burned about the whole wait.
    assert.ok(cpu < waited / 4, `${cpu.toFixed(1)} ms of CPU in ${waited.toFixed(0)} ms asleep`);
    const dying = channel.receiveAsync(10_000);
    setTimeout(() => kill(child), 200);
    await assert.rejects(dying, /^ChannelError: the peer \(process \d+\) is gone$/);
  } finally {
    await kill(child);
    channel.close();
    channel.unlink();
  }
});

Deno.test("the timeouts: nothing to receive, no room to send; close() ends a wait in progress", async () => {
  using tx = await Channel.create({ slots: 2, slotBytes: 8, fixedSize: true });
  using rx = await Channel.attach(tx.name);
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
        assert.equal(await finish(child), `received ${count} sum ${(count * (count - 1)) / 2}`);
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
        assert.equal(await finish(child), `sent ${count}`);
        rx.unlink();
      }
    } finally {
      await Deno.remove(exe);
    }
    assert.deepEqual(await ourSegments(Deno.pid), []);
  },
});
