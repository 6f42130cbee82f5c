/**
 * The builds of a `--variant` run: each label's compiler and flags, or a git
 * revision's `ffi/` sources, built into its own library (the build cache keys
 * it by sources, compiler and flags, so a build done once is reused).
 *
 * A revision is built only when its shim speaks this checkout's ABI: the
 * TypeScript side (symbol table, segment layout, result fields) is this
 * checkout's, and a shim of another ABI would be misread, not refused, by
 * some of its calls.
 *
 * @module
 */

import { buildShim } from "../../ffi/build.ts";
import type { CompilerInfo } from "../../ffi/build.ts";
import { SOURCES } from "../../ffi/build.ts";
import { ABI_VERSION } from "../../ffi/symbols.ts";
import { UsageError } from "../base/errors.ts";
import type { VariantSpec } from "../plan/options.ts";

/** One build of a `--variant` run, as the run uses it and the report records it. */
export interface VariantBuild {
  /** The label tables and comparisons name it by. */
  label: string;
  /** The built library, for the workers of this build's series. */
  libraryPath: string;
  /** The compiler and flags. */
  compiler: CompilerInfo;
  /** The git commit whose sources were built (`LABEL=@REF`), or null for this checkout's. */
  revision: string | null;
  /** The hash of sources, compiler and flags in the library's name. */
  shimKey: string;
  /** True when this run compiled it (false: found built). */
  compiled: boolean;
}

/** Runs git in `repo`; its output, or a UsageError naming what was asked. */
async function git(repo: string, args: string[], what: string): Promise<Uint8Array> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("git", {
      args: ["-c", "safe.directory=*", "-C", repo, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new UsageError(`${what}: git is not installed here`, { cause: error });
  }
  if (!output.success) {
    const why = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
    throw new UsageError(`${what}: ${why}`);
  }
  return output.stdout;
}

/**
 * The ABI version a shim's `ringpipe.h` declares (`#define RP_ABI_VERSION 18u`), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { declaredAbi } from "./variants.ts";
 * assert.equal(declaredAbi("#define RP_ABI_VERSION 17u\n"), 17);
 * assert.equal(declaredAbi("int x;"), null);
 * ```
 */
export function declaredAbi(header: string): number | null {
  const match = /^#define\s+RP_ABI_VERSION\s+(\d+)u?\s*$/m.exec(header);
  return match === null ? null : Number(match[1]);
}

/**
 * Writes revision `ref`'s shim sources from the git checkout `repo` into `dir`; returns the full
 * commit id.
 *
 * @throws {UsageError} when `ref` is not a revision, lacks a source, or speaks another ABI.
 */
async function checkOutSources(
  repo: string,
  spec: VariantSpec & { ref: string },
  dir: string,
): Promise<string> {
  const what = `--variant ${spec.text}`;
  const commit = new TextDecoder().decode(
    await git(repo, ["rev-parse", "--verify", "--quiet", `${spec.ref}^{commit}`], what),
  ).trim();
  // The ABI first: a revision of another ABI may not even have this checkout's list of sources.
  const header = new TextDecoder().decode(
    await git(repo, ["show", `${commit}:ffi/ringpipe.h`], `${what}: ffi/ringpipe.h`),
  );
  const abi = declaredAbi(header);
  if (abi !== ABI_VERSION) {
    throw new UsageError(
      `${what}: its shim speaks ABI ${abi ?? "(none declared)"} (${commit.slice(0, 12)}), ` +
        `this checkout's TypeScript ABI ${ABI_VERSION}; compare revisions of one ABI`,
    );
  }
  for (const name of SOURCES) {
    const bytes = await git(repo, ["show", `${commit}:ffi/${name}`], `${what}: ffi/${name}`);
    await Deno.writeFile(`${dir}/${name}`, bytes);
  }
  return commit;
}

/**
 * Builds every variant (none for a run of one build), in the order given.
 *
 * @example
 * ```ts ignore
 * import { buildVariants } from "./variants.ts";
 * import { parseBenchOptions } from "../plan/options.ts";
 * const { variants } = parseBenchOptions(["--variant", "a=cc:-O3", "--variant", "b=cc:-O0"]);
 * const builds = await buildVariants(variants, ".");
 * console.log(builds.map((b) => `${b.label}: ${b.libraryPath}`));
 * ```
 * @throws {UsageError} when a compiler fails, or a revision cannot be built by this checkout.
 */
export async function buildVariants(
  specs: readonly VariantSpec[],
  repo: string,
): Promise<VariantBuild[]> {
  const builds: VariantBuild[] = [];
  for (const spec of specs) {
    if (spec.ref === undefined) {
      const build = await rethrowAs(spec, () =>
        buildShim({
          ...(spec.cc === undefined ? {} : { cc: spec.cc }),
          ...(spec.cflags === undefined ? {} : { cflags: spec.cflags }),
        }));
      builds.push({ label: spec.label, revision: null, ...built(build) });
      continue;
    }
    const dir = await Deno.makeTempDir({ prefix: "ringpipe-variant-" });
    try {
      const revision = await checkOutSources(repo, { ...spec, ref: spec.ref }, dir);
      const build = await rethrowAs(spec, () => buildShim({ sourceDir: dir }));
      builds.push({ label: spec.label, revision, ...built(build) });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  return builds;
}

function built(build: Awaited<ReturnType<typeof buildShim>>) {
  return {
    libraryPath: build.libraryPath,
    compiler: build.compiler,
    shimKey: build.key,
    compiled: build.compiled,
  };
}

/** A build's failure, its one line prefixed with the variant that failed. */
async function rethrowAs<T>(spec: VariantSpec, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(`--variant ${spec.text}: ${error.message}`, { cause: error });
  }
}
