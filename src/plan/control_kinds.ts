/**
 * The kinds of control a run may measure beside its series, and how each is
 * measured, in words: what a report's `controls[]` name, apart from the plan
 * that schedules them (`./controls.ts`), so that a reader of reports needs no
 * series plan.
 *
 * @module
 */

/** A kind of control, as the report names it. */
export type ControlKind = "pipe-loop" | "unstamped" | "pread" | "uring-read" | "null-syscall";

/** How each kind of control is measured, in words, for the report. */
export const CONTROL_METHODS: Readonly<Record<ControlKind, string>> = {
  "pipe-loop": "the supervisor forks a reader and writes as many 8-byte sequence numbers as a " +
    "trial of the series sends, one write() and one read() each, the reader checking every one, " +
    "timed from the first write to the reader's one-byte answer; a round beside each of the " +
    "series' trials, on its CPUs and at its loops' nice",
  "unstamped": "a trial of the series whose client stamps only its first round trip, one beside " +
    "each of the series' trials; the ratio is what stamping round trips for the percentiles " +
    "costs the loop's mean round trip",
  "pread": "in the supervisor, at the loops' nice, unpinned: as many pread() calls as a trial of " +
    "the series has requests, of the same sizes at the same offsets from a 4 MiB file in the " +
    "run's private directory (in the page cache), every word checked; mean ns per read, a round " +
    "beside each of the series' trials",
  "uring-read": "in the supervisor, at the loops' nice, on the client's CPU: the same reads " +
    "through one io_uring in this process, one in flight, every word checked; mean wall ns per " +
    "read, a round beside each of the series' trials",
  "null-syscall": "in the supervisor, at the loops' nice, unpinned: as many " +
    "syscall(SYS_getppid) as a trial of the series has requests; mean ns per call, a round " +
    "beside each of the series' trials",
};
