/**
 * The shim's ABI in one place on each side: `ffi/ringpipe_api.h` declares every exported
 * function, `ffi/symbols.ts` describes the same functions to Deno. Each table entry must name a
 * prototype of the header in its doc comment, and its FFI types must be what those C types are.
 */
import assert from "node:assert/strict";
import { symbols } from "../ffi/symbols.ts";

const header = await Deno.readTextFile(new URL("../ffi/ringpipe_api.h", import.meta.url));
const table = await Deno.readTextFile(new URL("../ffi/symbols.ts", import.meta.url));

/** `type name(params)` with white space collapsed and comments removed. */
const normal = (text: string) =>
  text.replace(/\/\*[^]*?\*\//g, "").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")
    .trim();

/** The prototypes of the header, by name. */
function prototypes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of normal(header).matchAll(/([\w ]+?\**\s*\b(rp_\w+)\([^)]*\));/g)) {
    found.set(m[2], normal(m[1]));
  }
  return found;
}

/** A C parameter or result type as the FFI table must spell it. */
function ffiType(c: string): string[] {
  const type = c.replace(/\b(const|restrict)\b/g, "").replace(/\s+/g, " ").trim();
  if (type.endsWith("*")) return ["pointer", "buffer"];
  const plain: Record<string, string> = {
    void: "void",
    int32_t: "i32",
    uint32_t: "u32",
    int64_t: "i64",
    uint64_t: "u64",
    double: "f64",
    int: "i32",
  };
  assert.ok(type in plain, `a C type the table cannot spell: ${c}`);
  return [plain[type]];
}

/** `uint64_t *out` → `uint64_t *`; `void` (no parameters) → none. */
function parameterTypes(params: string): string[] {
  if (params.trim() === "void") return [];
  return params.split(",").map((p) =>
    p.trim().replace(/\s*\b\w+$/, (name) => name.includes("*") ? name : "")
  )
    .map((p) => p.trim());
}

Deno.test("every exported function has one prototype, and the FFI table says what it says", () => {
  const header = prototypes();
  const names = Object.keys(symbols);
  // An entry may call a function under another name (`name`: the same function, run another way).
  const cName = (key: string) =>
    (symbols[key as keyof typeof symbols] as Deno.ForeignFunction).name ?? key;
  assert.deepEqual(
    [...header.keys()].sort(),
    [...new Set(names.map(cName))].sort(),
    "the header and the table list the same functions",
  );
  for (const name of names) {
    const prototype = header.get(String(cName(name)))!;
    // The doc comment above the entry quotes the prototype.
    const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[^])*?)\\*/\\s*\\n\\s*${name}: \\{`).exec(table);
    assert.ok(doc !== null, `${name}: no doc comment`);
    const quoted = normal(doc[1].split("\n").map((l) => l.replace(/^\s*\*?/, "")).join(" "));
    assert.ok(
      quoted.includes(prototype),
      `${name}: its doc says '${quoted}', the header '${prototype}'`,
    );
    // Parameter by parameter, and the result.
    const [, result, params] = /^(.*?)\s*\b\w+\((.*)\)$/.exec(prototype)!;
    const entry = symbols[name as keyof typeof symbols] as Deno.ForeignFunction;
    const cTypes = parameterTypes(params);
    assert.equal(entry.parameters.length, cTypes.length, `${name}: parameter count`);
    entry.parameters.forEach((ffi, i) => {
      assert.ok(
        ffiType(cTypes[i]).includes(String(ffi)),
        `${name} parameter ${i + 1}: ${cTypes[i]} is not ${ffi}`,
      );
    });
    assert.ok(
      ffiType(result).includes(String(entry.result)),
      `${name}: result ${result} is not ${entry.result}`,
    );
  }
});
