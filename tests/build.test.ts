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
    assert.deepEqual(first.compiler.arguments, ["-O2", "-fPIC", "-shared", "-pthread"]);
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

Deno.test("the list of the shim's sources (fetched one by one when remote) is every C file in ffi/", async () => {
  const { SOURCES } = await import("../ffi/build.ts");
  const names = [...Deno.readDirSync(new URL("../ffi/", import.meta.url))].map((e) => e.name)
    .filter((n) => /\.[ch]$/.test(n)).sort();
  assert.deepEqual([...SOURCES], names);
});

Deno.test("outside a writable checkout the shim is built into RINGPIPE_CACHE, else XDG_CACHE_HOME or HOME", async () => {
  const { cacheDir, defaultBuildDir } = await import("../ffi/build.ts");
  const saved = ["RINGPIPE_CACHE", "XDG_CACHE_HOME", "HOME"].map((k) =>
    [k, Deno.env.get(k)] as const
  );
  try {
    Deno.env.set("RINGPIPE_CACHE", "/tmp/rp-cache");
    assert.equal(cacheDir(), "/tmp/rp-cache");
    assert.equal(defaultBuildDir("https://example.invalid/ffi/build.ts"), "/tmp/rp-cache");
    Deno.env.delete("RINGPIPE_CACHE");
    Deno.env.set("XDG_CACHE_HOME", "/tmp/xdg");
    assert.equal(cacheDir(), "/tmp/xdg/ringpipe");
    Deno.env.delete("XDG_CACHE_HOME");
    Deno.env.set("HOME", "/home/someone");
    assert.equal(cacheDir(), "/home/someone/.cache/ringpipe");
    Deno.env.delete("HOME");
    assert.throws(() => cacheDir(), /set RINGPIPE_CACHE/);
    // A checkout in a writable folder keeps its .build/.
    assert.equal(
      defaultBuildDir(new URL("../ffi/build.ts", import.meta.url).href),
      new URL("../.build", import.meta.url).pathname,
    );
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
});

Deno.test("RINGPIPE_LIB: a prebuilt shim is used as it is, and one of another ABI is refused in one line", async () => {
  const { ABI_VERSION } = await import("../ffi/symbols.ts");
  const built = await buildShim();
  const dir = await Deno.makeTempDir();
  const withEnv = async (value: string, run: () => Promise<void>) => {
    Deno.env.set("RINGPIPE_LIB", value);
    try {
      await run();
    } finally {
      Deno.env.delete("RINGPIPE_LIB");
    }
  };
  try {
    await withEnv(built.libraryPath, async () => {
      // No compiler needed: CC points nowhere.
      const used = await buildShim();
      assert.deepEqual([used.libraryPath, used.compiled, used.compiler.command], [
        built.libraryPath,
        false,
        "RINGPIPE_LIB",
      ]);
      // Asking for a compiler or flags builds as asked.
      assert.notEqual((await buildShim({ cflags: "-O1" })).libraryPath, built.libraryPath);
    });
    // A shim of the previous ABI, built by hand as another machine would have.
    const sources = new URL("../ffi/", import.meta.url).pathname;
    for (const entry of Deno.readDirSync(sources)) {
      if (/\.[ch]$/.test(entry.name)) {
        Deno.copyFileSync(`${sources}${entry.name}`, `${dir}/${entry.name}`);
      }
    }
    const header = `${dir}/ringpipe.h`;
    Deno.writeTextFileSync(
      header,
      Deno.readTextFileSync(header).replace(
        /RP_ABI_VERSION \d+u/,
        `RP_ABI_VERSION ${ABI_VERSION - 1}u`,
      ),
    );
    const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".c")).map((e) =>
      `${dir}/${e.name}`
    );
    const old = `${dir}/libold.so`;
    const cc = await new Deno.Command("cc", {
      args: ["-O1", "-fPIC", "-shared", "-pthread", "-o", old, ...files, "-lrt"],
    }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    await withEnv(old, async () => {
      await assert.rejects(buildShim(), (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(
          error.message,
          new RegExp(
            `^RINGPIPE_LIB=\\S+libold\\.so: the shim \\S+ has ABI ${
              ABI_VERSION - 1
            } .*expected ABI ${ABI_VERSION} `,
          ),
        );
        assert.ok(!error.message.includes("\n"));
        return true;
      });
    });
    await withEnv(`${dir}/missing.so`, async () => {
      await assert.rejects(
        buildShim(),
        /^UsageError: RINGPIPE_LIB=\S+missing\.so: cannot load the shim/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
