/**
 * Lines of text from a byte stream, one at a time and only when asked: the
 * persistent workers read their trial specs from stdin this way, and the
 * supervisor their reports from their stdout. Nothing is read ahead of the
 * line asked for, so a worker has no read in flight while its loop runs.
 *
 * @module
 */

/** Reads one chunk: what `ReadableStreamDefaultReader.read` gives. */
export type ChunkReader = { read(): Promise<ReadableStreamReadResult<Uint8Array>> };

/**
 * Lines of a stream, without their `\n`; a last line without one is still a line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineReader } from "./lines.ts";
 * const bytes = new TextEncoder().encode("one\ntw");
 * const chunks = [bytes.subarray(0, 2), bytes.subarray(2), new TextEncoder().encode("o\n")];
 * const lines = new LineReader({
 *   read: () => Promise.resolve(chunks.length > 0
 *     ? { done: false as const, value: chunks.shift()! }
 *     : { done: true as const, value: undefined }),
 * });
 * assert.equal(await lines.next(), "one");
 * assert.equal(await lines.next(), "two");
 * assert.equal(await lines.next(), null); // the end
 * ```
 */
export class LineReader {
  #reader: ChunkReader;
  #decoder = new TextDecoder();
  #buffered = "";
  #ended = false;

  /** Reads lines from `reader` (a stream's reader, or anything that reads chunks the same way). */
  constructor(reader: ChunkReader) {
    this.#reader = reader;
  }

  /** The next line, or null at the end of the stream. */
  async next(): Promise<string | null> {
    for (;;) {
      const newline = this.#buffered.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffered.slice(0, newline);
        this.#buffered = this.#buffered.slice(newline + 1);
        return line;
      }
      if (this.#ended) {
        const rest = this.#buffered;
        this.#buffered = "";
        return rest === "" ? null : rest;
      }
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        this.#buffered += this.#decoder.decode();
      } else {
        this.#buffered += this.#decoder.decode(value, { stream: true });
      }
    }
  }
}
