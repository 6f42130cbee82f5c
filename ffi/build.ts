/**
 * Compiles the C shim (`ffi/*.c`) into a shared library with the user's
 * `CC` and `CFLAGS`, once: the file name carries a hash of the sources, the
 * compiler and the flags, so an unchanged build is found and reused.
 *
 * Nothing here resolves a path when the module loads, so the kit also runs
 * from a URL (`deno run -A <url>/tasks/bench.ts`, or `mod.ts` imported from
 * another project): the sources are then fetched next to the module, and the
 * library is built into a per-user cache (`RINGPIPE_CACHE`, else
 * `$XDG_CACHE_HOME/ringpipe`, else `~/.cache/ringpipe`). In a checkout whose
 * folder is writable the library goes into its `.build/`, as before.
 *
 * @module
 */

import { UsageError } from "../src/base/errors.ts";
import { Shim } from "./library.ts";
import { ABI_VERSION } from "./symbols.ts";
import { chownToInvokingUser } from "../src/base/ownership.ts";
import type { CompilerInfo } from "../src/base/measured.ts";
export type { CompilerInfo };

/** Flags added to every build: a shared library needs them, and the watchdog's thread calls. */
export const ALWAYS_FLAGS: readonly string[] = ["-fPIC", "-shared", "-pthread"];
/**
 * Libraries linked after the sources: `shm_open`, `mq_*` and `timer_*` lived in librt before
 * glibc 2.34 (since then it is an empty stub, as it is in musl).
 */
export const LIBRARIES: readonly string[] = ["-lrt"];
/** Flags used when `CFLAGS` is unset. */
export const DEFAULT_CFLAGS = "-O3";

/** The shim's sources, beside this module: fetched one by one when the module is remote. */
export const SOURCES: readonly string[] = [
  "mq.c",
  "pipe.c",
  "ring.c",
  "ringpipe.h",
  "ringpipe_api.h",
  "shim.c",
  "unix.c",
  "uring.c",
];

/**
 * Where builds go unless told: the checkout's git-ignored `.build/` when this module is a local
 * file in a writable folder, else the per-user cache (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheDir, defaultBuildDir } from "./build.ts";
 * // A checkout in a writable folder builds into its own .build/ ...
 * const project = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
 * assert.equal(defaultBuildDir(), `${project}/.build`);
 * // ... a module fetched from a URL into the per-user cache.
 * assert.equal(defaultBuildDir("https://example.com/ringpipe/ffi/build.ts"), cacheDir());
 * ```
 * @throws {UsageError} when neither the checkout nor a cache folder can be named (no HOME).
 */
export function defaultBuildDir(moduleUrl: string = import.meta.url): string {
  const url = new URL(moduleUrl);
  if (url.protocol === "file:") {
    const project = decodeURIComponent(new URL("..", url).pathname).replace(/\/$/, "");
    if (writable(project)) return `${project}/.build`;
  }
  return cacheDir();
}

/**
 * The per-user cache for builds of the shim: `RINGPIPE_CACHE`, else `$XDG_CACHE_HOME/ringpipe`,
 * else `$HOME/.cache/ringpipe`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheDir } from "./build.ts";
 * const explicit = Deno.env.get("RINGPIPE_CACHE");
 * const home = Deno.env.get("XDG_CACHE_HOME") || `${Deno.env.get("HOME")}/.cache`;
 * assert.equal(cacheDir(), explicit || `${home}/ringpipe`);
 * ```
 * @throws {UsageError} when none of those is set.
 */
export function cacheDir(): string {
  const env = (name: string) => {
    const value = Deno.env.get(name);
    return value === undefined || value === "" ? null : value;
  };
  const explicit = env("RINGPIPE_CACHE");
  if (explicit !== null) return explicit;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg !== null) return `${xdg}/ringpipe`;
  const home = env("HOME");
  if (home !== null) return `${home}/.cache/ringpipe`;
  throw new UsageError("no folder for the shim's build: set RINGPIPE_CACHE (or HOME)");
}

function writable(dir: string): boolean {
  try {
    const probe = Deno.makeTempFileSync({ dir, prefix: ".ringpipe-write-check-" });
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** What to build with; every field falls back to the environment, then to a default. */
export interface BuildOptions {
  /** The compiler command, split on spaces (`$CC`, default `cc`). */
  cc?: string;
  /** Compiler flags, split on spaces (`$CFLAGS`, default {@link DEFAULT_CFLAGS}). */
  cflags?: string;
  /** Where the library goes (default {@link defaultBuildDir}). */
  buildDir?: string;
  /**
   * A folder holding the sources ({@link SOURCES}) to build instead of those beside this module:
   * another revision's, for a `--variant` run.
   */
  sourceDir?: string;
}

/** A built (or found) shim. */
export interface BuildResult {
  /** Absolute path of the shared library. */
  libraryPath: string;
  /** The hash that keys the file name. */
  key: string;
  /** True when this call ran the compiler; false when the library was already there. */
  compiled: boolean;
  /** The compiler and flags. */
  compiler: CompilerInfo;
}

/** What a build would produce, worked out without compiling. */
export interface BuildPlan {
  /** Where the library for these sources, compiler and flags lives (or would). */
  libraryPath: string;
  /** The hash that keys the file name. */
  key: string;
  /** The compiler and flags. */
  compiler: CompilerInfo;
  /** True when that library is already there. */
  built: boolean;
}

interface PlanDetails extends BuildPlan {
  buildDir: string;
  program: string;
  sources: Source[];
  base: URL;
}

async function plan(options: BuildOptions): Promise<PlanDetails> {
  const command = (options.cc ?? Deno.env.get("CC") ?? "").trim() || "cc";
  const cflags = splitWords(options.cflags ?? Deno.env.get("CFLAGS") ?? DEFAULT_CFLAGS);
  const buildDir = options.buildDir ?? defaultBuildDir();
  const [program, ...programArgs] = splitWords(command);
  const version = await compilerVersion(command, program, programArgs);
  const base = new URL(".", import.meta.url);
  if (options.sourceDir !== undefined) {
    base.href = "file:///";
    base.pathname = options.sourceDir.replace(/\/?$/, "/"); // the setter escapes what needs it
  }
  const sources = await readSources(base);
  const key = await buildKey(sources, command, version.full, cflags);
  const libraryPath = `${buildDir}/libringpipe-${key}.so`;
  return {
    libraryPath,
    key,
    compiler: {
      command,
      path: resolveOnPath(program),
      version: version.firstLine,
      cflags,
      arguments: [...programArgs, ...cflags, ...ALWAYS_FLAGS],
    },
    built: await exists(libraryPath),
    buildDir,
    program,
    sources,
    base,
  };
}

/**
 * Works out the build without compiling: which compiler, which flags, and
 * whether the library for them is already built. Throws {@link UsageError}
 * when there is no working compiler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim, planBuild } from "./build.ts";
 * const plan = await planBuild(); // where the library for this CC and CFLAGS would be
 * const { libraryPath } = await buildShim();
 * assert.equal(plan.libraryPath, libraryPath);
 * assert.equal((await planBuild()).built, true); // and now it is there
 * ```
 */
export async function planBuild(options: BuildOptions = {}): Promise<BuildPlan> {
  const { libraryPath, key, compiler, built } = await plan(options);
  return { libraryPath, key, compiler, built };
}

/**
 * Builds the shim unless a library for the same sources, compiler and flags exists; with
 * `RINGPIPE_LIB` set (and no compiler, flags or sources asked for), uses that library instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "./build.ts";
 * const first = await buildShim();
 * const again = await buildShim(); // nothing changed: the cached build
 * assert.deepEqual([again.libraryPath, again.compiled], [first.libraryPath, false]);
 * assert.match(first.libraryPath, /libringpipe-[0-9a-f]+\.so$/);
 * ```
 */
export async function buildShim(options: BuildOptions = {}): Promise<BuildResult> {
  const prebuilt = Deno.env.get(PREBUILT_ENV);
  const asked = options.cc !== undefined || options.cflags !== undefined ||
    options.sourceDir !== undefined;
  if (prebuilt && !asked) return usePrebuilt(prebuilt);
  const { libraryPath, key, compiler, built, buildDir, program, sources, base } = await plan(
    options,
  );
  if (built) return { libraryPath, key, compiled: false, compiler };

  try {
    await Deno.mkdir(buildDir, { recursive: true });
    await Deno.remove(await Deno.makeTempFile({ dir: buildDir, prefix: ".ringpipe-write-check-" }));
  } catch (error) {
    const why = error instanceof Error ? error.message.split(":")[0] : String(error);
    throw new UsageError(
      `cannot build the shim into ${buildDir} (${why}); set RINGPIPE_CACHE to a writable folder`,
      { cause: error },
    );
  }
  await chownToInvokingUser(buildDir);
  const files = await sourceFiles(buildDir, key, sources, base);
  // Compile beside the target and rename, so a reader never sees half a library.
  const partial = `${libraryPath}.${Deno.pid}.partial`;
  const result = await new Deno.Command(program, {
    args: [...compiler.arguments, "-o", partial, ...files, ...LIBRARIES],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    await Deno.remove(partial).catch(() => {});
    const lines = new TextDecoder().decode(result.stderr).trim().split("\n");
    const reason = lines.find((line) => /error/i.test(line)) ?? lines[0] ?? "no message";
    throw new UsageError(
      `${compiler.command} failed to compile the shim with CFLAGS="${
        compiler.cflags.join(" ")
      }": ${reason.trim()}`,
    );
  }
  // A "compiler" that exits 0 without writing a loadable library (CC=true, a cross compiler)
  // must not leave a file under the final name.
  try {
    Shim.open(partial).close();
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    const why = error instanceof Error && error.cause instanceof Error
      ? error.cause.message.replace(/^(Could not open library: )+/, "")
      : String(error);
    throw new UsageError(
      `${compiler.command} did not produce a loadable shim (${
        why.split("\n")[0]
      }); is CC a C compiler for this machine?`,
      { cause: error },
    );
  }
  await Deno.rename(partial, libraryPath);
  await chownToInvokingUser(libraryPath);
  return { libraryPath, key, compiled: true, compiler };
}

/**
 * The environment variable naming a shim built elsewhere, for machines without a C compiler (as
 * sqlite3's `DENO_SQLITE_PATH`): used as it is, after the ABI check every load makes.
 */
export const PREBUILT_ENV = "RINGPIPE_LIB";

/**
 * The shim at `path`, built elsewhere: loaded once to check that it speaks this kit's ABI.
 *
 * @throws {UsageError} when it cannot be loaded or speaks another ABI (one line naming both).
 */
function usePrebuilt(path: string): BuildResult {
  try {
    Shim.open(path).close();
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/: rebuild it$/, "") : String(error);
    throw new UsageError(`${PREBUILT_ENV}=${path}: ${why.split("\n")[0]}`, { cause: error });
  }
  return {
    libraryPath: path,
    key: "prebuilt",
    compiled: false,
    compiler: {
      command: PREBUILT_ENV,
      path,
      version: `prebuilt, ABI ${ABI_VERSION}`,
      cflags: [],
      arguments: [],
    },
  };
}

/**
 * Splits a `CC` or `CFLAGS` value on white space (no shell quoting, as `make` does by default).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitWords } from "./build.ts";
 * assert.deepEqual(splitWords("  -O3 -flto  -DNDEBUG "), ["-O3", "-flto", "-DNDEBUG"]);
 * ```
 */
export function splitWords(value: string): string[] {
  return value.split(/\s+/).filter((word) => word.length > 0);
}

/**
 * Finds an executable on `PATH` the way a shell would; a name with a slash is taken as a path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveOnPath } from "./build.ts";
 * const sh = resolveOnPath("sh"); // "/usr/bin/dash" here: links are followed
 * assert.ok(sh !== null && sh.startsWith("/") && Deno.statSync(sh).isFile);
 * assert.equal(resolveOnPath("no-such-compiler-here"), null);
 * ```
 */
export function resolveOnPath(program: string): string | null {
  const candidates = program.includes("/")
    ? [program]
    : (Deno.env.get("PATH") ?? "").split(":").filter(Boolean).map((dir) => `${dir}/${program}`);
  for (const candidate of candidates) {
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return Deno.realPathSync(candidate);
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

async function compilerVersion(
  command: string,
  program: string,
  programArgs: string[],
): Promise<{ full: string; firstLine: string }> {
  const missing = () =>
    new UsageError(
      `no C compiler: \`${command}\` was not found; install gcc or clang, or set CC to a compiler`,
    );
  if (resolveOnPath(program) === null) throw missing();
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(program, {
      args: [...programArgs, "--version"],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new UsageError(missing().message, { cause: error });
  }
  const full = new TextDecoder().decode(output.stdout).trim();
  if (!output.success || full === "") {
    throw new UsageError(`\`${command} --version\` failed; is CC set to a C compiler?`);
  }
  return { full, firstLine: full.split("\n")[0] };
}

interface Source {
  name: string;
  bytes: Uint8Array;
}

/**
 * The shim's sources, read beside this module: from the disk for a local module, with `fetch`
 * for a remote one (the kit run from a URL).
 */
async function readSources(base: URL): Promise<Source[]> {
  return await Promise.all(SOURCES.map(async (name) => {
    const url = new URL(name, base);
    try {
      if (url.protocol === "file:") return { name, bytes: await Deno.readFile(url) };
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      return { name, bytes: new Uint8Array(await response.arrayBuffer()) };
    } catch (error) {
      const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new UsageError(`cannot read the shim's source ${url.href} (${why})`, { cause: error });
    }
  }));
}

/**
 * Paths of the sources to compile: where they are for a local module, else copies written into
 * `<buildDir>/src-<key>/` (the compiler needs files).
 */
async function sourceFiles(
  buildDir: string,
  key: string,
  sources: Source[],
  base: URL,
): Promise<string[]> {
  if (base.protocol === "file:") {
    return sources.filter((s) => s.name.endsWith(".c")).map((s) =>
      decodeURIComponent(new URL(s.name, base).pathname)
    );
  }
  const dir = `${buildDir}/src-${key}`;
  await Deno.mkdir(dir, { recursive: true });
  for (const source of sources) await Deno.writeFile(`${dir}/${source.name}`, source.bytes);
  return sources.filter((s) => s.name.endsWith(".c")).map((s) => `${dir}/${s.name}`);
}

async function buildKey(
  sources: Source[],
  command: string,
  version: string,
  cflags: string[],
): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [
    encoder.encode(JSON.stringify({ command, version, cflags, ALWAYS_FLAGS, LIBRARIES })),
  ];
  for (const source of sources) parts.push(encoder.encode(`\0${source.name}\0`), source.bytes);
  const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
