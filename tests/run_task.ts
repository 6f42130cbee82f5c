/** Runs a task's entry point (`tasks/<name>.ts`) as a real process, as `deno task <name>` would. */

const TASKS = new URL("../tasks/", import.meta.url).pathname;

/** Exit code, stdout and stderr of `tasks/<name>.ts` run with `args` (no colour, no stdin). */
export async function runTask(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${TASKS}${name}.ts`, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
