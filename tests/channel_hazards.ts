/**
 * The child process of the channel's crash tests: each case does, as a careless user or a hostile
 * peer would, something that used to kill the process with SIGSEGV or SIGBUS, and prints what
 * came of it. The test expects exit 0 and the case's line: a crash would be a signal instead.
 *
 *   deno run -A tests/channel_hazards.ts CASE
 *   deno run -A tests/channel_hazards.ts hold [NAME]   creates a channel (or attaches to NAME),
 *                                                      prints its name and waits to be killed
 */
import { Channel, ChannelError } from "../src/channel/channel.ts";

/** The message of the ChannelError that `run` throws (anything else is thrown on). */
async function channelError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ChannelError) return error.message;
    throw error;
  }
  throw new Error("no ChannelError");
}

const cases: Record<string, () => Promise<string>> = {
  /** Every view, kept past the end of a `using` scope, then read and written: zeros, no crash. */
  "views after close": async () => {
    let bytes: Uint8Array, u32: Uint32Array, f64: Float64Array;
    let kept: Uint8Array = new Uint8Array(0);
    {
      using tx = await Channel.create({ slots: 8, slotBytes: 64 });
      using rx = await Channel.attach(tx.name, { role: "receiver" });
      tx.unlink();
      tx.send(new Uint8Array([1, 2, 3]));
      rx.receiveBatch(8, (message) => kept = message);
      ({ bytes, u32, f64 } = rx);
    }
    const read = [bytes[4], u32[1], f64[0], kept[0]].map(String); // the message's bytes are gone
    bytes[0] = 9; // written into this process's own zero page, not the channel
    u32[1] = 9;
    f64[2] = 9;
    kept[0] = 9;
    return `lengths ${[bytes.length, u32.length, f64.length, kept.length]}, reads ${read}`;
  },
  /** `close()` from inside a `receiveBatch` callback, with messages still to come. */
  "close inside receiveBatch": async () => {
    const tx = await Channel.create({ slots: 8, slotBytes: 16 });
    const rx = await Channel.attach(tx.name, { role: "receiver" });
    tx.unlink();
    tx.sendBatch([1, 2, 3, 4].map((n) => new Uint8Array([n])));
    const seen: number[] = [];
    const got = rx.receiveBatch(8, (message) => {
      seen.push(message[0]);
      rx.close();
    });
    const after = await channelError(() => rx.receive());
    tx.close();
    return `got ${got} (${seen}), then: ${after.replace(tx.name, "NAME")}`;
  },
  /** Two `receiveAsync` at once; one message ends the first, then `close()`. */
  "close with two waits in flight": async () => {
    const tx = await Channel.create({ slots: 8, slotBytes: 16 });
    const rx = await Channel.attach(tx.name, { role: "receiver" });
    tx.unlink();
    const first = rx.receiveAsync(5_000);
    const second = rx.receiveAsync(5_000).then(
      () => "a message",
      (error: Error) => error.message.replace(tx.name, "NAME"),
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // both asleep in the kernel
    tx.send(new Uint8Array([7]));
    const message = await first;
    rx.close();
    const ended = await second;
    await new Promise((resolve) => setTimeout(resolve, 150)); // any late FFI return
    tx.close();
    return `first ${message?.[0]}, second: ${ended}`;
  },
  /**
   * Channels larger than the free space of `/dev/shm` (run it where /dev/shm is a 1 MiB tmpfs):
   * refused at `create`, nothing left behind, and a channel that fits is writable to its end.
   */
  "full /dev/shm": async () => {
    const refused = (await channelError(() => Channel.create({ slots: 64, slotBytes: 65536 })))
      .replace(/\/ringpipe-ch-[^\s:]+/, "NAME");
    const huge = await channelError(() => Channel.create({ slots: 1 << 24, slotBytes: 1 << 26 }));
    using fits = await Channel.create({ slots: 8, slotBytes: 65536, fixedSize: true });
    fits.bytes.fill(1); // every page, to its end: no bus error
    const left = [...Deno.readDirSync("/dev/shm")].map((entry) => `/${entry.name}`);
    fits.unlink();
    return `refused: ${refused}; 1 PiB refused: ${/No space left/.test(huge)}; ` +
      `left: ${left.length === 1 && left[0] === fits.name ? "the one that fits" : left}`;
  },
};

const name = Deno.args[0];
if (name === "hold") {
  const channel = Deno.args[1] === undefined
    ? await Channel.create({ slots: 2, slotBytes: 8 })
    : await Channel.attach(Deno.args[1], { role: "receiver" });
  console.log(channel.name);
  await new Promise(() => setInterval(() => {}, 1000)); // until killed
}
const run = cases[name];
if (run === undefined) {
  console.error(`no such case: ${name} (cases: ${Object.keys(cases).join(", ")})`);
  Deno.exit(2);
}
console.log(`${name}: ${await run()}`);
