/**
 * `deno task build`: compiles the C shim with `$CC` (default `cc`) and
 * `$CFLAGS` (default `-O3`) into `.build/`, unless it is already built.
 *
 * @module
 */

import { buildShim } from "../ffi/build.ts";
import { runMain } from "../src/base/errors.ts";

if (import.meta.main) {
  await runMain("build", async () => {
    const build = await buildShim();
    const how = build.compiled ? "compiled" : "up to date";
    console.log(`${how}: ${build.libraryPath}`);
    console.log(`with ${build.compiler.command} ${build.compiler.arguments.join(" ")}`);
  });
}
