/**
 * `deno task schema:types`: writes `src/report/file.ts`, the TypeScript types
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

const FILE = new URL("../src/report/file.ts", import.meta.url);
const SCHEMA = new URL("../src/report/report.schema.json", import.meta.url);

const typeName = (def: string) => `File${def[0].toUpperCase()}${def.slice(1)}`;

function doc(text: string | undefined, indent: string): string {
  return text === undefined ? "" : `${indent}/** ${text.replaceAll("*/", "* /")} */\n`;
}

/** The TypeScript type of a schema, written at `indent`. */
function typeOf(schema: JsonSchema, indent: string): string {
  if (schema.$ref !== undefined) return typeName(schema.$ref.split("/").at(-1)!);
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
 * const generated = await Deno.readTextFile(new URL("../src/report/file.ts", import.meta.url));
 * assert.equal(schemaTypes(schema), generated); // file.ts is what the schema says, to the byte
 * ```
 */
export function schemaTypes(schema: JsonSchema): string {
  const defs = Object.entries(schema.$defs ?? {}).map(([name, def]) =>
    `${doc(def.description ?? `\`#/$defs/${name}\` of the schema.`, "")}export type ${
      typeName(name)
    } = ${typeOf(def, "")};`
  );
  return `/**
 * The types of a report file, schema version 6: written by \`deno task schema:types\` from
 * \`report.schema.json\`, the one description of the format. Do not edit by hand.
 *
 * @module
 */

${doc(schema.description, "")}export type ReportFile = ${typeOf(schema, "")};

${defs.join("\n\n")}
`;
}

async function main(): Promise<void> {
  const schema = JSON.parse(await Deno.readTextFile(SCHEMA)) as JsonSchema;
  const text = schemaTypes(schema);
  await Deno.writeTextFile(FILE, text);
  const formatted = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", FILE.pathname],
    stdout: "null",
    stderr: "null",
  }).output();
  console.log(`${FILE.pathname} written${formatted.success ? "" : " (not formatted)"}`);
}

if (import.meta.main) await runMain("schema:types", main);
