/**
 * The shapes of what a run measures, as its report carries them: the options
 * that ran it, how its sampling stopped, each series' capacity and io_uring
 * set-up, the kernel's yardsticks, the compiler. They are the report format's
 * own types, generated from `src/report/report.schema.json` into
 * `./report_file.ts` (a node with a `title` there is a type of that name), so
 * the code that measures writes exactly what the schema says, and a program
 * that only reads reports loads none of that code (no FFI, no trial runner, no
 * transports).
 *
 * @module
 */

export type {
  Capacity,
  CompilerInfo,
  Parameters,
  StopReason,
  UringRead,
  UringSetup,
  Yardsticks,
} from "./report_file.ts";

/** Which side of a trial a worker plays: the producer is the client in ping-pong, the consumer the server. */
export type Role = "producer" | "consumer";
