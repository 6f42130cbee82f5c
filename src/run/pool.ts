/**
 * The worker processes of a bench run, kept from trial to trial: one pair
 * (producer and consumer) for each CPU placement and nice value the run asks
 * for, started at its first trial. A trial sends each worker one spec line and
 * waits for one report line; a pair that fails a trial in any way is stopped
 * and replaced by a fresh one at the next trial.
 *
 * Why keep them: starting a Deno worker and loading its modules took about
 * 0.2 s here, four times a default trial's 0.05 s, so with a process pair per
 * trial four fifths of a run went to start-ups, and a run of 8 series got
 * about 28 rounds in its 60 s. Every figure a trial reports is still its own:
 * its own segment, its own transport files, its own loop, clocks and counters.
 * What carries over is the process: its loaded libraries, its JIT-compiled
 * TypeScript, its nice and CPU (a pair is never shared by two placements or
 * nice values, so neither is ever changed under a later trial).
 *
 * @module
 */

import { onInterrupt } from "../base/cleanup.ts";
import { LineReader } from "../base/lines.ts";
import { RunError } from "../base/errors.ts";
import type { Role } from "../base/measured.ts";
import { Status } from "../../ffi/symbols.ts";
import { WORKER_URL, workerName } from "./worker.ts";
import type { SideReport, WorkerSpec } from "./worker.ts";

/** How long a failed worker's peer gets to stop after the abort word before it is killed. */
export const ABORT_GRACE_MS = 1000;

/** How one worker's part of a trial ended. */
export interface WorkerOutcome {
  /** Producer or consumer. */
  role: Role;
  /** How the process exited; a success while it lives on for the next trial. */
  status: Deno.CommandStatus;
  /** True when the supervisor killed it (after its peer failed, or at the timeout). */
  killedBySupervisor: boolean;
  /** Its report, read from the line it printed; null when it printed none of its role. */
  report: SideReport | null;
  /** The end of what it wrote on stderr (only read after it exited). */
  stderr: string;
}

/** Keeps the end of a worker's stderr, which is drained all along so it never blocks. */
const STDERR_KEPT = 4096;

const LIVING: Deno.CommandStatus = { success: true, code: 0, signal: null };

/** The report a worker of `role` printed as `line`, or null when the line is none. */
function reportOf(line: string | null, role: Role): SideReport | null {
  if (line === null) return null;
  try {
    const report = JSON.parse(line) as SideReport;
    return report.role === role ? report : null;
  } catch {
    return null;
  }
}

/** One worker process, from its start to its exit. */
class WorkerProcess {
  readonly role: Role;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reports: LineReader;
  readonly #stderrDrained: Promise<void>;
  #stderr = "";
  #killed = false;
  #exited = false;

  constructor(role: Role) {
    this.role = role;
    const child = new Deno.Command(Deno.execPath(), {
      // The worker imports only project files, so it needs no config, lockfile or cache.
      args: [
        "run",
        "--allow-all",
        "--no-config",
        "--no-lock",
        "--quiet",
        WORKER_URL,
        workerName(Deno.pid, role),
      ],
      // Deno looks for a newer release in the background at most once a day, and where it cannot
      // reach the network it tries again in every process: a TLS connection (sockets, the CA
      // store) opened at some moment of a worker's trials. Off, so nothing but the loop runs.
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.#reports = new LineReader(child.stdout.getReader());
    this.#stderrDrained = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-STDERR_KEPT);
      }
    })().catch(() => {});
    child.status.then(() => this.#exited = true);
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /**
   * Runs one trial's side: sends `spec` and waits for the report. When the report is not a
   * success, or the process exits, `onFailure` is called at once, and the outcome waits for the
   * exit (the worker exits by itself after a failed loop; `onFailure` arranges a kill otherwise).
   */
  async trial(spec: WorkerSpec, onFailure: () => void): Promise<WorkerOutcome> {
    const line = this.#reports.next();
    try {
      await this.#stdin.write(new TextEncoder().encode(`${JSON.stringify(spec)}\n`));
    } catch {
      // It has exited: its status says how.
    }
    const first = await Promise.race([
      line.then((text) => ({ text })),
      this.#child.status.then(() => null),
    ]);
    // A loop that succeeded: the worker waits for its next spec.
    const report = first === null ? null : reportOf(first.text, this.role);
    if (report?.status === Status.OK) {
      return { role: this.role, status: LIVING, killedBySupervisor: false, report, stderr: "" };
    }
    onFailure();
    const status = await this.#child.status;
    await this.#stderrDrained;
    return {
      role: this.role,
      status,
      killedBySupervisor: this.#killed,
      report: reportOf(await line, this.role),
      stderr: this.#stderr,
    };
  }

  /** Kills the process; true if it was still running. */
  kill(): boolean {
    if (this.#exited) return false;
    try {
      this.#child.kill("SIGKILL");
      this.#killed = true;
      return true;
    } catch {
      return false; // already gone
    }
  }

  /** Ends its stdin (it exits when idle), kills it after `graceMs`, and waits for the exit. */
  async stop(graceMs: number): Promise<void> {
    this.#stdin.close().catch(() => {});
    const killer = setTimeout(() => this.kill(), graceMs);
    await this.#child.status;
    clearTimeout(killer);
    await this.#stderrDrained;
  }
}

/** A producer and a consumer that run trials together. */
export class WorkerPair {
  readonly #workers: [WorkerProcess, WorkerProcess];
  #broken = false;

  /** Starts both processes. */
  constructor() {
    this.#workers = [new WorkerProcess("producer"), new WorkerProcess("consumer")];
  }

  /** False once a trial failed or either process exited: the pool replaces it. */
  get usable(): boolean {
    return !this.#broken && !this.#workers.some((w) => w.exited);
  }

  /**
   * Runs one trial on both workers, `specs` in the order producer, consumer. When one fails,
   * `abort` tells the other to stop (the trial segment's abort word) and both are killed unless
   * they have exited within {@link ABORT_GRACE_MS}; past `timeoutMs`, both are killed at once.
   *
   * @throws {RunError} when the trial timed out.
   */
  async run(
    specs: readonly [WorkerSpec, WorkerSpec],
    abort: () => void,
    timeoutMs: number,
    label: string,
  ): Promise<WorkerOutcome[]> {
    const timers: ReturnType<typeof setTimeout>[] = [];
    let timedOut = false;
    const stopAll = (graceMs: number) => {
      if (this.#broken && graceMs > 0) return; // already stopping
      this.#broken = true;
      abort();
      for (const worker of this.#workers) timers.push(setTimeout(() => worker.kill(), graceMs));
    };
    timers.push(setTimeout(() => {
      timedOut = true;
      stopAll(0);
    }, timeoutMs));
    try {
      const outcomes = await Promise.all(
        this.#workers.map((worker, i) => worker.trial(specs[i], () => stopAll(ABORT_GRACE_MS))),
      );
      if (timedOut) {
        throw new RunError(
          `${label} timed out after ${timeoutMs / 1000} s; both workers were killed`,
        );
      }
      return outcomes;
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  /** Ends both (see {@link WorkerProcess.stop}). */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop(graceMs)));
  }
}

/**
 * The worker pairs of a run, by placement and nice. Dispose of it (`await using`) when the run
 * ends: idle workers exit when their stdin ends. An interrupted run stops them too, killing any
 * that has not stopped within {@link ABORT_GRACE_MS}, and reaps them before it exits.
 *
 * @example
 * ```ts ignore
 * import { WorkerPool } from "./pool.ts";
 * await using workers = new WorkerPool();
 * const result = await runTrial({ ...context, workers }, plan, "t1");
 * ```
 */
export class WorkerPool implements AsyncDisposable {
  readonly #pairs = new Map<string, WorkerPair>();
  readonly #retired: Promise<void>[] = [];
  readonly #undo: Disposable;

  /** An empty pool; pairs start at their first trial. */
  constructor() {
    this.#undo = onInterrupt(() => this.#stopAll());
  }

  /** The pair for loops pinned to `cpus` (null: not pinned) at `nice` (null: left as it is). */
  pair(cpus: readonly [number, number] | null, nice: number | null): WorkerPair {
    const key = `${cpus?.join(",") ?? "unpinned"}/${nice ?? "unchanged"}`;
    const known = this.#pairs.get(key);
    if (known?.usable) return known;
    if (known !== undefined) this.#retired.push(known.stop(0));
    const pair = new WorkerPair();
    this.#pairs.set(key, pair);
    return pair;
  }

  async #stopAll(): Promise<void> {
    const pairs = [...this.#pairs.values()];
    this.#pairs.clear();
    await Promise.all([...pairs.map((p) => p.stop(ABORT_GRACE_MS)), ...this.#retired]);
  }

  /** Stops every worker and waits until all have exited. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#undo[Symbol.dispose]();
    await this.#stopAll();
  }
}
