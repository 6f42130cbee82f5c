import assert from "node:assert/strict";
import { requireLinux, UsageError } from "../src/base/errors.ts";
import { checkSharedMemory } from "../src/context/resources.ts";

const GiB = 1024 ** 3;

Deno.test("a segment that fits passes", () => {
  checkSharedMemory(
    512 * 1024 ** 2,
    { shmFree: 12 * GiB, memAvailable: 24 * GiB },
    "--ring-slots 67108864",
  );
  checkSharedMemory(
    512 * 1024 ** 2,
    { shmFree: null, memAvailable: null },
    "--ring-slots 67108864",
  );
});

Deno.test("a segment larger than /dev/shm's free space is refused before anything is allocated", () => {
  assert.throws(
    () =>
      checkSharedMemory(
        512 * 1024 ** 2,
        { shmFree: 64 * 1024 ** 2, memAvailable: 24 * GiB },
        "--ring-slots 67108864",
      ),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        "--ring-slots 67108864 needs 512.0 MiB of shared memory, but /dev/shm has only 64.0 MiB free " +
          "(a tmpfs: remount it larger, or ask for less)",
      );
      return true;
    },
  );
});

Deno.test("a segment larger than half the available memory is refused", () => {
  assert.throws(
    () =>
      checkSharedMemory(
        600 * 1024 ** 2,
        { shmFree: 12 * GiB, memAvailable: GiB },
        "--ring-slots 78643200",
      ),
    /needs 600\.0 MiB of shared memory, more than half of the 1024 MiB of memory available/,
  );
});

Deno.test("anything but Linux is refused with one line", () => {
  assert.throws(() => requireLinux("darwin"), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, "ringpipe measures Linux IPC and needs Linux; this is darwin");
    return true;
  });
  requireLinux("linux");
});
