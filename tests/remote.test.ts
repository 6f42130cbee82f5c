/**
 * The kit from a URL, as someone who does not clone uses it: the repository
 * served over http on 127.0.0.1 from inside the test, a fresh DENO_DIR and
 * build cache, then `mod.ts` imported from it and the bench run from it.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const TYPES: Record<string, string> = {
  ts: "application/typescript",
  json: "application/json",
  c: "text/plain",
  h: "text/plain",
};

/** Serves the repository; paths under `/broken/` serve it too, but without the C sources. */
function serve(): { base: string; close: () => Promise<void> } {
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    async (request) => {
      let path = decodeURIComponent(new URL(request.url).pathname);
      const broken = path.startsWith("/broken/");
      if (broken) path = path.slice("/broken".length);
      const ext = path.split(".").pop() ?? "";
      if (path.includes("..") || (broken && (ext === "c" || ext === "h"))) {
        return new Response("not found", { status: 404 });
      }
      try {
        const body = await Deno.readFile(new URL(`.${path}`, ROOT));
        return new Response(body, { headers: { "content-type": TYPES[ext] ?? "text/plain" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}/`,
    close: async () => {
      controller.abort();
      await server.finished;
    },
  };
}

async function run(args: string[], cwd: string, env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

Deno.test("from a URL, in a fresh cache: mod.ts's Channel works, and the bench runs and saves where you stand", async () => {
  const { base, close } = serve();
  const home = await Deno.makeTempDir();
  const env = { DENO_DIR: `${home}/deno`, RINGPIPE_CACHE: `${home}/cache` };
  try {
    await Deno.writeTextFile(
      `${home}/use.ts`,
      `import { Channel } from "${base}mod.ts";
const sender = await Channel.create({ slots: 4, slotBytes: 16 });
const receiver = await Channel.attach(sender.name, { role: "receiver" });
sender.send(new TextEncoder().encode("from a URL"));
console.log(new TextDecoder().decode(receiver.receive()!));
receiver.close(); sender.close(); sender.unlink();
`,
    );
    const channel = await run(["run", "-A", "--no-config", "use.ts"], home, env);
    assert.equal(channel.code, 0, channel.stderr);
    assert.equal(channel.stdout.trim(), "from a URL");
    const built = [...Deno.readDirSync(`${home}/cache`)].map((e) => e.name);
    assert.ok(built.some((n) => /^libringpipe-[0-9a-f]{16}\.so$/.test(n)), built.join(", "));

    const args = ["--quick", "--mode", "stream", "--runs", "2", "--machine", "remote"];
    const bench = await run(
      ["run", "-A", "--no-config", `${base}tasks/bench.ts`, ...args, "--no-save"],
      home,
      env,
    );
    assert.equal(bench.code, 0, bench.stderr);
    assert.match(bench.stdout, /^SHMEM Time: {2}0\.\d{18}$/m);
    const saved = await run(
      ["run", "-A", "--no-config", `${base}tasks/bench.ts`, ...args],
      home,
      env,
    );
    assert.equal(saved.code, 0, saved.stderr);
    const files = [...Deno.readDirSync(`${home}/results/remote`)].map((e) => e.name);
    assert.ok(files.some((n) => /_nocommit\.json$/.test(n)), files.join(", "));
    assert.ok(!files.some((n) => n.endsWith(".partial")));
  } finally {
    await close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("from a URL, what cannot be had is one line and exit 2: sources that cannot be fetched, a cache that cannot be written", async () => {
  const { base, close } = serve();
  const home = await Deno.makeTempDir();
  try {
    const bench = (root: string, cache: string) =>
      run(
        ["run", "-A", "--no-config", `${root}tasks/bench.ts`, "--quick", "--no-save"],
        home,
        { DENO_DIR: `${home}/deno`, RINGPIPE_CACHE: cache },
      );
    const missing = await bench(`${base}broken/`, `${home}/cache`);
    assert.equal(missing.code, 2, missing.stderr);
    // Deno's own "Download ..." lines come first; the kit's word is the one last line.
    const last = (text: string) => text.trim().split("\n").at(-1) ?? "";
    assert.match(
      last(missing.stderr),
      /^ringpipe bench: cannot read the shim's source http:\/\/127\.0\.0\.1:\d+\/broken\/ffi\/mq\.c \(HTTP 404 Not Found\)$/,
    );
    const unwritable = await bench(base, "/proc/ringpipe-cache");
    assert.equal(unwritable.code, 2, unwritable.stderr);
    assert.match(
      last(unwritable.stderr),
      /^ringpipe bench: cannot build the shim into \/proc\/ringpipe-cache \(.*\); set RINGPIPE_CACHE to a writable folder$/,
    );
  } finally {
    await close();
    await Deno.remove(home, { recursive: true });
  }
});
