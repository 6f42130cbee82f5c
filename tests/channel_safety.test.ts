/**
 * The channel as a library must never kill its process and never let a peer fool it: the crash
 * cases run in a child process (a crash is a signal there, not a failed test here), the protocol
 * checks and a fuzz of header words and slot lengths run here.
 */
import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { Channel, CHANNEL_LAYOUT, ChannelError } from "../src/channel/channel.ts";
import { Segment } from "../src/memory/segment.ts";

const HAZARDS = new URL("./channel_hazards.ts", import.meta.url).pathname;
const L = CHANNEL_LAYOUT;

/** Runs a hazard case in a child; returns its one line, after asserting it exited 0. */
async function hazard(name: string, wrap: string[] = []): Promise<string> {
  const deno = [Deno.execPath(), "run", "-A", HAZARDS, name];
  // A wrapping shell script gets the command line at its end.
  const [command, ...args] = wrap.length > 0
    ? [...wrap.slice(0, -1), `${wrap.at(-1)} ${deno.map(quote).join(" ")}`]
    : deno;
  const output = await new Deno.Command(command, { args, stdin: "null" }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  const errors = new TextDecoder().decode(output.stderr);
  assert.equal(output.signal, null, `${name}: killed by ${output.signal}\n${errors}`);
  assert.equal(output.code, 0, `${name}: exit ${output.code}\n${text}\n${errors}`);
  return text;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

Deno.test("views kept past close() read zeros, never unmapped memory", async () => {
  assert.equal(
    await hazard("views after close"),
    "views after close: lengths 512,128,64,3, reads 0,0,0,0",
  );
});

Deno.test("close() inside a receiveBatch callback ends the batch; the end is closed", async () => {
  assert.equal(
    await hazard("close inside receiveBatch"),
    "close inside receiveBatch: got 1 (1), then: the channel NAME is closed",
  );
});

Deno.test("close() with two waits in flight: the memory stays until the last returns", async () => {
  assert.equal(
    await hazard("close with two waits in flight"),
    "close with two waits in flight: first 7, second: the channel NAME was closed while waiting",
  );
});

Deno.test({
  name: "a full /dev/shm is one error at create, never a bus error at a write (1 MiB tmpfs)",
  ignore: Deno.uid() !== 0, // a private /dev/shm needs a mount namespace: root
  fn: async () => {
    const line = await hazard("full /dev/shm", [
      "unshare",
      "-m",
      "sh",
      "-c",
      "mount -t tmpfs -o size=1m tmpfs /dev/shm && exec",
    ]).catch((error) => {
      if (/unshare failed|Operation not permitted/.test(String(error))) return null;
      throw error;
    });
    if (line === null) return; // a container without mount namespaces: nothing to show here
    assert.equal(
      line,
      "full /dev/shm: refused: cannot create a channel of 4194624 bytes: cannot create shared " +
        "memory NAME: No space left on device; 1 PiB refused: true; left: the one that fits",
    );
  },
});

/** The shim the corrupting mappings are made with (the channels load their own). */
let shim: Shim | undefined;

/** A sender and a receiver in this process, and a third mapping of the same memory to corrupt. */
async function pair(
  options: { slots: number; slotBytes: number; fixedSize?: boolean },
  keepName = false,
) {
  const tx = await Channel.create(options);
  const rx = await Channel.attach(tx.name, { role: "receiver" });
  shim ??= Shim.open((await buildShim()).libraryPath);
  const bytes = L.HEADER_BYTES + options.slots * options.slotBytes;
  const peer = Segment.attach(shim, tx.name, bytes);
  if (!keepName) tx.unlink();
  const words = new DataView(Deno.UnsafePointerView.getArrayBuffer(peer.pointer, bytes));
  return {
    tx,
    rx,
    words,
    [Symbol.dispose]() {
      tx.unlink();
      tx.close();
      rx.close();
      peer.unmap();
    },
  };
}

/** Asserts that `run` throws a ChannelError matching `pattern`, and returns its message. */
function broken(run: () => unknown, pattern: RegExp): string {
  let message = "";
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ChannelError, String(error));
    message = error.message;
    return pattern.test(message);
  });
  return message;
}

Deno.test("a length word longer than its slot is an error, from every way to receive", async () => {
  // The case: 8 slots of 64 bytes, one message, its length then set to 512.
  for (const way of ["receiveBatch", "receiveInto", "receive"] as const) {
    using c = await pair({ slots: 8, slotBytes: 64 });
    c.tx.send(new TextEncoder().encode("hello"));
    c.words.setUint32(L.HEADER_BYTES, 512, true);
    const seen: number[] = [];
    const read = {
      receiveBatch: () => c.rx.receiveBatch(8, (m) => seen.push(m.length)),
      receiveInto: () => c.rx.receiveInto(new Uint8Array(4096)),
      receive: () => c.rx.receive(),
    }[way];
    const message = broken(read, /slot 0 holds a length of 512, more than the 60 bytes/);
    assert.deepEqual(seen, []); // no view was handed out
    // Broken for good: even with the length put right, this end refuses.
    c.words.setUint32(L.HEADER_BYTES, 5, true);
    assert.equal(broken(read, /refuses further use/), message);
    assert.ok(c.tx.send(new Uint8Array([1]))); // the sender was not lied to
  }
});

Deno.test("an index outside the ring is an error at the side that reads it", async () => {
  {
    using c = await pair({ slots: 8, slotBytes: 16 });
    c.words.setUint32(L.HEAD, 9, true); // 9 messages in an 8-slot ring
    broken(() => c.rx.receive(), /the sender published head 9, outside the 8 slots after tail 0/);
  }
  {
    using c = await pair({ slots: 8, slotBytes: 16, fixedSize: true });
    c.words.setUint32(L.HEAD, 0xffff_fffe, true); // behind the tail
    broken(() => c.rx.readable(8), /head 4294967294, outside/);
  }
  {
    using c = await pair({ slots: 8, slotBytes: 16 });
    for (let i = 0; i < 8; i++) c.tx.send(new Uint8Array([i]));
    c.words.setUint32(L.TAIL, 12, true); // past what was sent: the sender would overwrite
    broken(() => c.tx.send(new Uint8Array([8])), /the receiver published tail 12, outside/);
  }
});

Deno.test("a header changed under an end is found on the next wait, and every 64K index loads", async () => {
  {
    using c = await pair({ slots: 8, slotBytes: 16 });
    c.words.setUint32(L.SLOTS, 1024, true);
    await assert.rejects(c.rx.receiveAsync(1000), /the header changed .*: its slot count/);
  }
  {
    using c = await pair({ slots: 8, slotBytes: 16 });
    c.words.setUint32(L.MAGIC, 0, true);
    let loads = 0;
    const message = broken(() => {
      for (; loads < 1 << 17; loads++) c.rx.receive(); // empty: one index load each
    }, /the header changed .*: its magic/);
    assert.ok(loads < 1 << 16, `found after ${loads} loads`);
    assert.match(message, /refuses further use$/);
  }
});

Deno.test("counts given to reserve, commit, readable, release and receiveBatch are whole", async () => {
  using c = await pair({ slots: 8, slotBytes: 8, fixedSize: true });
  for (const n of [1.5, -1, NaN, Infinity]) {
    assert.throws(() => c.tx.reserve(n), RangeError);
    assert.throws(() => c.tx.commit(n), RangeError);
    assert.throws(() => c.rx.readable(n), RangeError);
    assert.throws(() => c.rx.release(n), RangeError);
    assert.throws(() => c.rx.receiveBatch(n, () => {}), RangeError);
  }
  assert.equal(c.tx.reserve(3), 3);
  assert.throws(() => c.tx.commit(9), /more than the free slots/);
  c.tx.commit(3);
  assert.throws(() => c.rx.release(1), /more than the messages readable/); // none seen yet
  assert.equal(c.rx.readable(8), 3);
  c.rx.release(3);
});

/** A small seeded generator (mulberry32): the fuzz is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

Deno.test("fuzz: header words and slot lengths corrupted while both sides work", async () => {
  const next = random(20261204);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const counts = {
    rounds: 0,
    operations: 0,
    corruptions: 0,
    sent: 0,
    exact: 0,
    fromSlot: 0,
    empty: 0,
    errors: new Map<string, number>(),
  };
  const WORDS = [
    L.MAGIC,
    L.VERSION,
    L.SLOTS,
    L.SLOT_BYTES,
    L.FLAGS,
    L.HEAD,
    L.TAIL,
    L.SENDER_CLOSED,
    L.RECEIVER_SLEEPS,
    L.SENDER_SLEEPS,
  ];
  for (let round = 0; round < 400; round++) {
    counts.rounds++;
    const slots = pick([2, 4, 8]);
    const slotBytes = pick([8, 16, 64]);
    using c = await pair({ slots, slotBytes });
    const max = c.tx.maxMessageBytes;
    // What the sender last wrote in each slot's payload: all a receiver may ever hand out.
    const shadow = Array.from({ length: slots }, () => new Uint8Array(max));
    const written = new Set<string>();
    const check = (slot: number, message: Uint8Array) => {
      assert.ok(message.length <= max, `a ${message.length}-byte message from a ${max}-byte slot`);
      assert.deepEqual(message, shadow[slot].subarray(0, message.length), "bytes from outside");
      if (written.has(message.join())) counts.exact++;
      else counts.fromSlot++;
    };
    for (let op = 0; op < 300; op++) {
      counts.operations++;
      const r = next();
      // The end this operation uses: the one that must keep refusing after a broken protocol.
      const refusesAgain = r < 0.4 ? () => c.tx.send(new Uint8Array(0)) : () => c.rx.receive();
      try {
        if (r < 0.4) {
          const length = Math.floor(next() * (max + 1));
          const message = Uint8Array.from({ length }, (_, k) => (op * 7 + k) & 0xff);
          const slot = c.tx.writeSlot;
          if (c.tx.send(message)) {
            shadow[slot].set(message);
            written.add(message.join());
            counts.sent++;
          }
        } else if (r < 0.65) {
          const slot = c.rx.readSlot;
          const message = c.rx.receive();
          if (message === null) counts.empty++;
          else check(slot, message);
        } else if (r < 0.75) {
          let slot = c.rx.readSlot;
          const got = c.rx.receiveBatch(1 + Math.floor(next() * 8), (message) => {
            check(slot, message.slice());
            slot = (slot + 1) % slots;
          });
          if (got === 0) counts.empty++;
        } else if (r < 0.77) {
          const slot = c.rx.readSlot;
          const message = await c.rx.receiveAsync(1);
          if (message === null) counts.empty++;
          else check(slot, message);
        } else if (r < 0.95) {
          counts.corruptions++;
          const at = pick(WORDS);
          const now = c.words.getUint32(at, true);
          const value = pick([
            now + 1,
            now - 1,
            now + slots,
            now + slots + 1,
            0,
            Math.floor(next() * 2 ** 32),
          ]);
          c.words.setUint32(at, value >>> 0, true);
        } else {
          counts.corruptions++;
          const slot = Math.floor(next() * slots);
          const length = pick([
            Math.floor(next() * (max + 1)),
            max + 1,
            Math.floor(next() * 2 ** 32),
          ]);
          c.words.setUint32(L.HEADER_BYTES + slot * slotBytes, length, true);
        }
      } catch (error) {
        assert.ok(error instanceof ChannelError, `not a ChannelError: ${error}`);
        const kind = error.message.replace(/^\S+: /, "").replace(/\d+/g, "N")
          .replace(/ \/ringpipe-ch-\S+/, "");
        counts.errors.set(kind, (counts.errors.get(kind) ?? 0) + 1);
        // An end that found a broken protocol keeps refusing; the round is over either way.
        if (/refuses further use/.test(error.message)) assert.throws(refusesAgain, ChannelError);
        break;
      }
    }
  }
  console.log(JSON.stringify({ ...counts, errors: Object.fromEntries(counts.errors) }, null, 1));
  assert.ok(counts.exact > 2000 && counts.corruptions > 1000 && counts.errors.size >= 6);
});

Deno.test("nothing left behind: a channel whose creator and holders were killed is swept", async () => {
  const hold = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", HAZARDS, "hold", ...args],
      stdin: "null",
      stdout: "piped",
    }).spawn();
  const lineOf = async (child: Deno.ChildProcess) => {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    return new TextDecoder().decode(value).trim();
  };
  const creator = hold();
  const name = await lineOf(creator);
  const holder = hold(name);
  assert.equal(await lineOf(holder), name);
  const exists = () => Deno.statSync(`/dev/shm${name}`).isFile;
  try {
    creator.kill("SIGKILL");
    await creator.status;
    assert.deepEqual(Channel.sweep().filter((n) => n === name), []); // the receiver lives
    assert.ok(exists());
    holder.kill("SIGKILL");
    await holder.status;
    assert.deepEqual(Channel.sweep().filter((n) => n === name), [name]);
    assert.throws(exists, Deno.errors.NotFound);
  } finally {
    for (const child of [creator, holder]) {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
      await child.status;
      await child.stdout.cancel().catch(() => {});
    }
  }
});

Deno.test("the C peer in docs/examples trusts the Deno side no further", async () => {
  const source = new URL("../docs/examples/channel_peer.c", import.meta.url).pathname;
  const exe = await Deno.makeTempFile({ prefix: "ringpipe-channel-peer-" });
  try {
    const cc = await new Deno.Command(Deno.env.get("CC") ?? "cc", {
      args: ["-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, source],
    }).output();
    assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
    /** Runs the C receiver with `corrupt` done before it starts, or `afterMs` after. */
    const receive = async (corrupt: (c: Awaited<ReturnType<typeof pair>>) => void, afterMs = 0) => {
      using c = await pair({ slots: 8, slotBytes: 8, fixedSize: true }, true);
      c.rx.close(); // the C program takes the receiver's end
      if (afterMs === 0) corrupt(c);
      const child = new Deno.Command(exe, {
        args: [c.tx.name, "receive", "4"],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      if (afterMs > 0) setTimeout(() => corrupt(c), afterMs); // it is asleep on its futex by then
      const output = await child.output();
      return `${output.code} ${new TextDecoder().decode(output.stderr).trim()}`;
    };
    assert.equal(
      await receive((c) => c.words.setUint32(L.HEAD, 9, true)),
      "1 channel_peer: the sender published a head outside the ring",
    );
    // A sender that is gone (pid 2^22 + 1 never lives) ends the wait, as one that closed does.
    assert.equal(
      await receive((c) => c.words.setUint32(L.SENDER_PID, 2 ** 22 + 1, true)),
      "1 channel_peer: the peer is gone",
    );
    assert.equal(
      await receive((c) => c.words.setUint32(L.MAGIC, 0, true), 150),
      "1 channel_peer: the header changed under this side",
    );
  } finally {
    await Deno.remove(exe);
  }
});
