/**
 * `deno task schema:types`: writes `src/base/report_file.ts`, the TypeScript types
 * of a report file, from `src/report/report.schema.json`. The schema is the
 * one description of the format; the types follow from it (a test checks the
 * committed file is what this writes), and `encodeReport` is typed to return
 * them, so the compiler checks that what the bench writes is what the schema
 * says.
 *
 * @module
 */

import { runMain } from "../src/base/errors.ts";
import type { JsonSchema } from "../src/report/validate.ts";

/** Each schema and the module of its types: the current one, then the frozen older versions. */
export const MODULES: readonly { schema: string; module: string; names?: TypeNames }[] = [
  { schema: "src/report/report.schema.json", module: "src/base/report_file.ts" },
  ...[["1-3", "1to3"], ["4", "4"], ["5", "5"]].map(([file, name]) => ({
    schema: `src/report/schemas/report.v${file}.schema.json`,
    module: `src/report/schemas/report_v${name.replace("to", "_")}.ts`,
    names: { root: `ReportFileV${name}`, prefix: `V${name}` },
  })),
];

/** How the types of a module are named: its root, and the prefix of its definitions. */
export interface TypeNames {
  /** The file's own type (`ReportFile`). */
  root: string;
  /** Put before a definition's name (`File`: `FileResult`). */
  prefix: string;
}

let prefix = "File";
const typeName = (def: string) => `${prefix}${def[0].toUpperCase()}${def.slice(1)}`;

/**
 * While a module is written: the schema's definitions (a `$ref` to one that is not an object is
 * written out where it is used, so a named type needs no other), and the named types met so far
 * (a node with a `title` is written once, as an exported type of that name).
 */
let definitions: Record<string, JsonSchema> = {};
let named = new Map<string, string>();

function doc(text: string | undefined, indent: string): string {
  return text === undefined ? "" : `${indent}/** ${text.replaceAll("*/", "* /")} */\n`;
}

/**
 * Whether a definition is written out where it is used instead of named: one that is neither an
 * object, an array nor a combination of schemas (an enum, a number with bounds).
 */
function writtenOut(def: JsonSchema | undefined): boolean {
  return def !== undefined && def.type !== "object" && def.properties === undefined &&
    def.anyOf === undefined && def.allOf === undefined && def.type !== "array";
}

/** The indent of a named type's own body (never an inner node's). */
const TOP = "";

/** The TypeScript type of a schema, written at `indent`. */
function typeOf(schema: JsonSchema, indent: string): string {
  if (schema.title !== undefined && indent !== TOP) {
    if (!named.has(schema.title)) {
      named.set(schema.title, "");
      named.set(schema.title, typeOf(schema, TOP));
    }
    return schema.title;
  }
  if (schema.$ref !== undefined) {
    const name = schema.$ref.split("/").at(-1)!;
    const def = definitions[name];
    if (writtenOut(def)) return typeOf({ ...def, description: undefined }, indent);
    return def?.title ?? typeName(name);
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf !== undefined) return schema.anyOf.map((s) => typeOf(s, indent)).join(" | ");
  if (schema.allOf !== undefined) {
    return schema.allOf.map((s) => typeOf(s, indent)).filter((t) => t !== "unknown").join(" & ");
  }
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) {
    return schema.properties === undefined ? "unknown" : objectType(schema, indent);
  }
  return types.map((t) => {
    switch (t) {
      case "integer":
      case "number":
        return "number";
      case "null":
      case "string":
      case "boolean":
        return t;
      case "array": {
        const item = schema.items === undefined ? "unknown" : typeOf(schema.items, indent);
        if (schema.prefixItems !== undefined) {
          return `[${schema.prefixItems.map((part) => typeOf(part, indent)).join(", ")}]`;
        }
        // A fixed length is a tuple: `[number, number]`.
        const length = schema.minItems === schema.maxItems ? schema.maxItems : undefined;
        if (length !== undefined && length <= 4) return `[${Array(length).fill(item).join(", ")}]`;
        return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
      }
      case "object":
        return objectType(schema, indent);
      default:
        throw new Error(`schema type ${t} has no TypeScript type here`);
    }
  }).join(" | ");
}

function objectType(schema: JsonSchema, indent: string): string {
  if (schema.properties === undefined) {
    const extra = schema.additionalProperties;
    return typeof extra === "object"
      ? `Record<string, ${typeOf(extra, indent)}>`
      : "Record<string, unknown>";
  }
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([key, value]) => {
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return `${doc(value.description, inner)}${inner}${name}${required.has(key) ? "" : "?"}: ${
      typeOf(value, inner)
    };`;
  });
  return `{\n${fields.join("\n")}\n${indent}}`;
}

/**
 * The TypeScript module the schema's types are: `ReportFile` for the file, and one type per
 * definition (`FileResult`, `FileTrial`, ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaTypes } from "./schema_types.ts";
 * import schema from "../src/report/report.schema.json" with { type: "json" };
 * const generated = await Deno.readTextFile(new URL("../src/base/report_file.ts", import.meta.url));
 * assert.equal(schemaTypes(schema), generated); // report_file.ts is what the schema says, to the byte
 * ```
 */
export function schemaTypes(
  schema: JsonSchema,
  names: TypeNames = { root: "ReportFile", prefix: "File" },
): string {
  prefix = names.prefix;
  definitions = schema.$defs ?? {};
  named = new Map();
  const file = typeOf(schema, TOP);
  const defs = Object.entries(definitions).flatMap(([name, def]) => {
    return writtenOut(def) ? [] : [
      `${doc(def.description ?? `\`#/$defs/${name}\` of the schema.`, "")}export type ${
        def.title ?? typeName(name)
      } = ${typeOf({ ...def, title: undefined }, TOP)};`,
    ];
  });
  const titled = [...named].map(([name, type]) => {
    const node = findTitled(schema, name)!;
    return `${doc(node.description, "")}export type ${name} = ${type};`;
  });
  const about = names.root === "ReportFile"
    ? `The types of a report file, schema version 6: written by \`deno task schema:types\` from
 * \`report.schema.json\`, the one description of the format. Do not edit by hand. A node with
 * a \`title\` is a type of that name, which the kit uses as it is (\`Parameters\`,
 * \`Yardsticks\`, ...).`
    : `The types of ${String(schema.title).replace("ringpipe report, ", "a report file of ")}:
 * written by \`deno task schema:types\` from its frozen schema, for the upgrade that reads it. Do
 * not edit by hand.`;
  return `/**
 * ${about}
 *
 * @module
 */

${doc(schema.description, "")}export type ${names.root} = ${file};

${[...defs, ...titled].join("\n\n")}
`;
}

/** The node of `schema` whose title is `title`. */
function findTitled(schema: unknown, title: string): JsonSchema | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  if ((schema as JsonSchema).title === title) return schema as JsonSchema;
  for (const value of Object.values(schema)) {
    const found = findTitled(value, title);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function main(): Promise<void> {
  const root = new URL("..", import.meta.url);
  for (const { schema, module, names } of MODULES) {
    const file = new URL(module, root);
    const json = JSON.parse(await Deno.readTextFile(new URL(schema, root))) as JsonSchema;
    await Deno.writeTextFile(file, schemaTypes(json, names));
    const formatted = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", file.pathname],
      stdout: "null",
      stderr: "null",
    }).output();
    console.log(`${module} written${formatted.success ? "" : " (not formatted)"}`);
  }
}

if (import.meta.main) await runMain("schema:types", main);
