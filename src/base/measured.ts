/**
 * The shapes of what a run measures, as its report carries them: the options
 * that ran it, how its sampling stopped, each series' capacity and io_uring
 * set-up, the kernel's yardsticks, the compiler. Types only, written here
 * rather than beside the code that measures them, so that a program that only
 * reads reports loads none of that code (no FFI, no trial runner, no
 * transports).
 *
 * @module
 */

import type { Engine, Mode, PlacementRequest, WaitRequest } from "./names.ts";

/** Which side of a trial a worker plays: the producer is the client in ping-pong, the consumer the server. */
export type Role = "producer" | "consumer";

/** How the rings of one series were set up, for the report. */
export interface UringSetup {
  /** `IORING_SETUP_*` flags of each side's ring. */
  flags: string[];
  /** Stream: messages submitted together, at most (ping-pong: 1). */
  batch: number;
  /** SQPOLL only: the kernel threads. */
  sqThread?: {
    /** The producer's and the consumer's thread's CPU (null: the kernel's choice). */
    cpus: (number | null)[];
    /** How long a thread polls an idle ring before it sleeps, ms. */
    idleMs: number;
    /** Which loops share a CPU with them, in words. */
    shares: string;
    /**
     * How long a side looks at its completion ring before it sleeps in `io_uring_enter()`, ns:
     * 0 when its thread shares its CPU (spinning would keep the thread from running).
     */
    spinNs: number;
  };
}

/** How many messages a transport holds before a sender waits, and what sets that. */
export interface Capacity {
  /**
   * Messages (0: less than one, a send waits for the receiver), or null when
   * it is not known in advance (the kernel also charges its own overhead).
   */
  messages: number | null;
  /** What sets it, in words. */
  source: string;
}

/** Why the timed trials stopped. */
export type StopReason = "fixed-count" | "target-reached" | "budget-spent" | "trial-limit";

/** Reads of one size through io_uring, at one depth, with or without a polling kernel thread. */
export interface UringRead {
  /** Bytes per read. */
  sizeBytes: number;
  /** Reads in flight. */
  depth: number;
  /** A kernel thread polled the submission ring (`IORING_SETUP_SQPOLL`). */
  sqpoll: boolean;
  /** Wall ns per read (at depth 1, each read's latency). */
  ns: number;
  /** CPU ns per read: the reading thread and the SQPOLL thread. */
  cpuNs: number;
  /** Of which the SQPOLL thread's. */
  kernelThreadCpuNs: number;
}

/** The kernel's own costs, measured in this process. */
export interface Yardsticks {
  /** One `syscall(SYS_getppid)` (not a vDSO call), ns. */
  nullSyscallNs: number;
  /** One `pread()` of each size from a 4 MiB file in /dev/shm, every word checked, ns. */
  pread: { sizeBytes: number; ns: number }[];
  /** How it is computed, in words. */
  method: string;
  /** The same reads through io_uring (absent when io_uring is unavailable here). */
  uring?: UringRead[];
  /** How the io_uring reads were set up and measured. */
  uringMethod?: string;
  /** Why io_uring reads were not measured. */
  uringUnavailable?: string;
}

/** The compiler that built the shim, as the report records it. */
export interface CompilerInfo {
  /** The command as given (`CC`). */
  command: string;
  /** The compiler's absolute path, when found on `PATH`. */
  path: string | null;
  /** First line of `CC --version`. */
  version: string;
  /** The flags the user chose (`CFLAGS`). */
  cflags: string[];
  /** The full compiler arguments, {@link ALWAYS_FLAGS} included. */
  arguments: string[];
}

/** What a report records of the options that ran it (`parameters`), in the README's words. */
export interface Parameters {
  /** Transport names, in the order given. */
  transports: string[];
  /** Modes, in report order. */
  modes: Mode[];
  /** Message sizes, bytes. */
  sizes: number[];
  /** `--placement`. */
  placement: PlacementRequest;
  /** `null`: calibrated per series to `trialSeconds` (see each result's `iterations`). */
  iterations: number | null;
  /** `--trial-seconds`. */
  trialSeconds: number;
  /** A fixed trial count, or null for adaptive stopping (the next three). */
  runs: number | null;
  /** `--min-trials`. */
  minTrials: number;
  /** `--target-ci`, a fraction. */
  targetCi: number;
  /** `--budget`, seconds. */
  budgetSeconds: number;
  /** `--nice`. */
  nice: number;
  /** `--ring-slots` (asked). */
  ringSlots: number;
  /** `--quick`. */
  quick: boolean;
  /** `--wait` for ring transports, when given (absent: each transport's own). */
  wait?: WaitRequest;
  /** `--pace` in ns, when given. */
  paceNs?: number;
  /** `--engine`, when not just native. */
  engines?: Engine[];
  /**
   * `--publish-every` of the deno engine (each cadence is a series): recorded whenever the deno
   * engine ran; absent in older reports, which meant 1 and left it out.
   */
  publishEvery?: number[];
  /** `--depth` of the file-server scenario (absent before schema 6 and outside it). */
  depths?: number[];
  /** `--spin-before-sleep` in ns, when not the default (10 µs). */
  spinBeforeSleepNs?: number;
  /** `--latency-every`, for runs with ping-pong (absent in reports before it existed: each). */
  latencyEvery?: number;
  /** `--uring-batch`, when not the default (16). */
  uringBatch?: number;
  /** `--variant`, as given, for a run of several builds (see `environment.variants`). */
  variants?: string[];
  /** `--margin` of a `--variant` run, a fraction. */
  margin?: number;
  /** `--latency-stamp tsc`, when asked for a run with ping-pong (absent: the clock). */
  latencyStamp?: "tsc";
  /**
   * What `pipe` (and `pipe-splice`) went through: `pipe(2)`. Absent in reports written before,
   * when `pipe` was a named FIFO (today's `fifo`).
   */
  pipe?: "pipe(2)";
}
