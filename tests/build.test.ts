import assert from "node:assert/strict";
import { buildShim, splitWords } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { UsageError } from "../src/base/errors.ts";

Deno.test("builds once per sources, compiler and flags; a second build reuses the library", async () => {
  const buildDir = await Deno.makeTempDir();
  try {
    const first = await buildShim({ buildDir, cflags: "-O2" });
    assert.equal(first.compiled, true);
    assert.match(first.libraryPath, /\/libringpipe-[0-9a-f]{16}\.so$/);
    assert.deepEqual(first.compiler.arguments, ["-O2", "-fPIC", "-shared"]);
    assert.match(first.compiler.version, /\S/);

    const again = await buildShim({ buildDir, cflags: "-O2" });
    assert.equal(again.compiled, false);
    assert.equal(again.libraryPath, first.libraryPath);

    const otherFlags = await buildShim({ buildDir, cflags: "-O1" });
    assert.equal(otherFlags.compiled, true);
    assert.notEqual(otherFlags.key, first.key);

    using shim = Shim.open(first.libraryPath);
    assert.equal(shim.controlBytes, 256);
    const leftovers = [];
    for await (const entry of Deno.readDir(buildDir)) {
      if (entry.name.endsWith(".partial")) leftovers.push(entry.name);
    }
    assert.deepEqual(leftovers, []);
  } finally {
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("a missing compiler is one clear line", async () => {
  await assert.rejects(
    () => buildShim({ cc: "no-such-compiler-ringpipe", buildDir: "/nonexistent" }),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(
        error.message,
        "no C compiler: `no-such-compiler-ringpipe` was not found; install gcc or clang, or set CC to a compiler",
      );
      return true;
    },
  );
});

Deno.test("flags the compiler rejects are reported with its message", async () => {
  const buildDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => buildShim({ buildDir, cflags: "-O2 --no-such-flag-ringpipe" }),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(
          error.message,
          /^cc failed to compile the shim with CFLAGS="-O2 --no-such-flag-ringpipe":/,
        );
        assert.match(error.message, /no-such-flag-ringpipe/);
        return true;
      },
    );
  } finally {
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("CC and CFLAGS split on white space", () => {
  assert.deepEqual(splitWords(" ccache  gcc "), ["ccache", "gcc"]);
  assert.deepEqual(splitWords(""), []);
});
