/**
 * The other process of the channel tests: `receive N` reads N messages and
 * prints their sum of lengths and a checksum; `send N` sends N numbered
 * messages of varied length; `hang` attaches and then never returns; `late N`
 * sends one message after N ms, then waits; `records N` sends N 8-byte
 * records (record i holds i) through the zero-copy API, sleeping when full;
 * `echo N REPLIES` answers N 8-byte records with the same records on the
 * channel REPLIES, both ends sleeping whenever they wait (no spin).
 */
import { Channel } from "../src/channel/channel.ts";

const [name, action, countText] = Deno.args;
const count = Number(countText ?? "0");
const channel = await Channel.attach(name, action === "echo" ? { spinMicros: 0 } : {});
/** This end, as the sender: the test made the other end the receiver. */
const sender = () => {
  if (!channel.isSender()) throw new Error(`${name}: attached as the ${channel.role}`);
  return channel;
};
/** This end, as the receiver. */
const receiver = () => {
  if (!channel.isReceiver()) throw new Error(`${name}: attached as the ${channel.role}`);
  return channel;
};
if (action === "receive") {
  const channel = receiver();
  const buffer = new Uint8Array(channel.maxMessageBytes);
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    const length = channel.receiveWaitInto(buffer, 10_000);
    if (length < 0) throw new Error(`timed out at message ${i}`);
    if (length !== i % (channel.maxMessageBytes + 1)) {
      throw new Error(`message ${i} has ${length} bytes`);
    }
    for (let k = 0; k < length; k++) {
      if (buffer[k] !== ((i + k) & 0xff)) throw new Error(`message ${i} byte ${k} is ${buffer[k]}`);
    }
    checksum = (checksum + length) | 0;
  }
  console.log(`received ${count} checksum ${checksum}`);
} else if (action === "send") {
  const channel = sender();
  const buffer = new Uint8Array(channel.maxMessageBytes);
  for (let i = 0; i < count; i++) {
    const length = i % (channel.maxMessageBytes + 1);
    for (let k = 0; k < length; k++) buffer[k] = (i + k) & 0xff;
    if (!channel.sendWait(buffer.subarray(0, length), 10_000)) throw new Error(`timed out at ${i}`);
  }
  channel.flush();
  console.log(`sent ${count}`);
} else if (action === "hang") {
  console.log("attached");
  await new Promise((resolve) => setTimeout(resolve, 60_000)); // alive until killed
} else if (action === "late") {
  console.log("attached");
  await new Promise((resolve) => setTimeout(resolve, count));
  sender().send(new TextEncoder().encode("late"));
  await new Promise((resolve) => setTimeout(resolve, 60_000)); // alive until killed
} else if (action === "records") {
  const channel = sender();
  const words = channel.u32;
  for (let i = 0; i < count;) {
    const n = await channel.reserveAsync(Math.min(64, count - i), 10_000);
    if (n === 0) throw new Error(`timed out at record ${i}`);
    for (let w = channel.writeSlot * 2, end = i + n; i < end; i++, w += 2) {
      words[w] = i >>> 0;
      words[w + 1] = (i / 4294967296) >>> 0;
    }
    channel.commit(n);
  }
  console.log(`sent ${count}`);
} else if (action === "echo") {
  const requests = receiver();
  const replies = await Channel.attach(Deno.args[3], { spinMicros: 0 });
  if (!replies.isSender()) throw new Error(`${Deno.args[3]}: attached as the ${replies.role}`);
  console.log("attached");
  for (let i = 0; i < count; i++) {
    if (requests.readableBlocking(1, 10_000) === 0) throw new Error(`no request ${i} in 10 s`);
    const request = requests.u32[requests.readSlot * 2];
    if (request !== i) throw new Error(`request ${i} reads ${request}`);
    if (replies.reserveBlocking(1, 10_000) === 0) throw new Error(`no room for reply ${i}`);
    replies.u32[replies.writeSlot * 2] = i;
    replies.commit(1);
    requests.release(1);
  }
  replies.close();
  console.log(`echoed ${count}`);
}
channel.close();
