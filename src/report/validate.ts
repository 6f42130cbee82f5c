/**
 * A small JSON Schema (2020-12) checker, the one for every version of the
 * report (`report.schema.json` and the frozen `schemas/report.v*.schema.json`),
 * for the subset they use: `$ref` within the file, `type` (one or a list, `integer` included),
 * `properties`, `required`, `additionalProperties`, `items`, `prefixItems`,
 * `minItems`, `maxItems`,
 * `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`, `anyOf`, `allOf`
 * and the `date-time` format. It stops at the first problem and names it in
 * one line, with the JSON path: `$.results[1].sizeBytes must be a number above
 * 0, got string`. A keyword outside the subset is an error in the schema, not
 * silently ignored.
 *
 * No npm validator: the bench runs under sudo, where root's Deno cache may
 * not hold one and nothing may be fetched, and this subset is small.
 *
 * @module
 */

/** A JSON Schema, as far as this checker reads it. */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  $defs?: Record<string, JsonSchema>;
  description?: string;
  title?: string;
  $schema?: string;
  $id?: string;
};

const KNOWN = new Set([
  "$ref",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "anyOf",
  "allOf",
  "format",
  "$defs",
  "description",
  "title",
  "$schema",
  "$id",
]);

/** A value that does not match; `message` is one line with the JSON path. */
export class SchemaViolation extends Error {
  /** Creates the violation. */
  constructor(message: string) {
    super(message);
    this.name = "SchemaViolation";
  }
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return typeof value === "object" ? "an object" : typeof value;
}

const typeWords: Record<string, string> = {
  string: "a string",
  number: "a finite number",
  integer: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

/** What a schema asks for, in words (`a finite number or null`). */
function expected(schema: JsonSchema, root: JsonSchema): string {
  if (schema.$ref !== undefined) return expected(resolve(schema.$ref, root), root);
  if (schema.const !== undefined) return `one of ${JSON.stringify(schema.const)}`;
  if (schema.enum !== undefined) {
    return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (schema.anyOf !== undefined) return schema.anyOf.map((s) => expected(s, root)).join(" or ");
  if (schema.exclusiveMinimum !== undefined) return `a number above ${schema.exclusiveMinimum}`;
  const types = schema.type === undefined ? [] : [schema.type].flat();
  const bounds = [
    schema.minimum === undefined ? "" : ` of at least ${schema.minimum}`,
    schema.maximum === undefined
      ? ""
      : `${schema.minimum === undefined ? " of" : ","} at most ${schema.maximum}`,
  ].join("");
  return (types.map((t) => typeWords[t] ?? t).join(" or ") || "valid") + bounds;
}

function resolve(ref: string, root: JsonSchema): JsonSchema {
  const match = /^#\/\$defs\/([\w-]+)$/.exec(ref);
  const target = match === null ? undefined : root.$defs?.[match[1]];
  if (target === undefined) throw new Error(`schema: cannot resolve ${ref}`);
  return target;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "null":
      return value === null;
    default:
      throw new Error(`schema: unknown type ${type}`);
  }
}

/**
 * Checks `value` against `schema` (whose `$defs` resolve `$ref`s against `root`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSchema } from "./validate.ts";
 * const schema = { type: "object", properties: { n: { type: "number", exclusiveMinimum: 0 } }, required: ["n"] };
 * checkSchema({ n: 2 }, schema);
 * assert.throws(() => checkSchema({ n: "2" }, schema), { message: "$.n must be a number above 0, got string" });
 * assert.throws(() => checkSchema({}, schema), { message: "$.n is missing" });
 * ```
 * @throws {SchemaViolation} at the first value that does not match, naming its path.
 */
export function checkSchema(
  value: unknown,
  schema: JsonSchema,
  path = "$",
  root: JsonSchema = schema,
): void {
  const fail = (): never => {
    throw new SchemaViolation(`${path} must be ${expected(schema, root)}, got ${kind(value)}`);
  };
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) throw new Error(`schema: keyword ${key} is not supported`);
  }
  if (schema.$ref !== undefined) return checkSchema(value, resolve(schema.$ref, root), path, root);
  if (schema.anyOf !== undefined) {
    const fits = schema.anyOf.some((option) => {
      try {
        checkSchema(value, option, path, root);
        return true;
      } catch (error) {
        if (error instanceof SchemaViolation) return false;
        throw error;
      }
    });
    // One option of the right shape names the deeper problem; otherwise say what would do.
    if (!fits) {
      const near = schema.anyOf.filter((o) => {
        const s = o.$ref === undefined ? o : resolve(o.$ref, root);
        return s.type !== undefined && [s.type].flat().some((t) => hasType(value, t)) &&
          (s.type === "object" || s.type === "array");
      });
      if (near.length === 1) checkSchema(value, near[0], path, root);
      fail();
    }
  }
  for (const part of schema.allOf ?? []) checkSchema(value, part, path, root);
  if (schema.const !== undefined && value !== schema.const) fail();
  if (schema.enum !== undefined && !schema.enum.includes(value)) fail();
  if (schema.type !== undefined && ![schema.type].flat().some((t) => hasType(value, t))) fail();
  if (typeof value === "number") {
    if (schema.exclusiveMinimum !== undefined && !(value > schema.exclusiveMinimum)) fail();
    if (schema.minimum !== undefined && value < schema.minimum) fail();
    if (schema.maximum !== undefined && value > schema.maximum) fail();
  }
  if (
    schema.format === "date-time" && typeof value === "string" && Number.isNaN(Date.parse(value))
  ) {
    throw new SchemaViolation(`${path} must be an ISO 8601 time, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      throw new SchemaViolation(`${path} must have at least ${schema.minItems} items`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      throw new SchemaViolation(`${path} must have at most ${schema.maxItems} items`);
    }
    schema.prefixItems?.forEach((part, i) => {
      if (i < value.length) checkSchema(value[i], part, `${path}[${i}]`, root);
    });
    if (schema.items !== undefined) {
      value.forEach((item, i) => checkSchema(item, schema.items!, `${path}[${i}]`, root));
    }
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) throw new SchemaViolation(`${path}.${key} is missing`);
    }
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties?.[key];
      const extra = schema.additionalProperties;
      if (property !== undefined) checkSchema(item, property, `${path}.${key}`, root);
      else if (extra === false) throw new SchemaViolation(`${path}.${key} is not allowed`);
      else if (typeof extra === "object") checkSchema(item, extra, `${path}.${key}`, root);
    }
  }
}
