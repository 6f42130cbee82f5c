/**
 * Where the report's schema checker (`src/report/validate.ts`) departs from JSON Schema 2020-12,
 * each on purpose and each pinned here, so a change to one is a decision, not an accident.
 */
import assert from "node:assert/strict";
import { checkSchema, SchemaViolation } from "../src/report/validate.ts";
import type { JsonSchema } from "../src/report/validate.ts";
import schemaJson from "../src/report/report.schema.json" with { type: "json" };

const violation = (value: unknown, schema: JsonSchema) =>
  assert.throws(() => checkSchema(value, schema), SchemaViolation);

Deno.test("a keyword outside the subset is an error in the schema, not ignored (JSON Schema ignores it)", () => {
  assert.throws(
    () => checkSchema("x", { type: "string", pattern: "^x$" } as JsonSchema),
    { message: "schema: keyword pattern is not supported" },
  );
  // The report's own schema uses only the subset: checking an empty object reaches every keyword
  // of its top level without a schema error.
  assert.throws(() => checkSchema({}, schemaJson as JsonSchema), SchemaViolation);
});

Deno.test("integer means a safe integer: 2^53 and beyond are refused (JSON Schema accepts any)", () => {
  checkSchema(2 ** 53 - 1, { type: "integer" });
  checkSchema(4, { type: "integer" }); // 4.0 parses to 4: an integer, as in JSON Schema
  violation(2 ** 53, { type: "integer" });
  violation(1.5, { type: "integer" });
});

Deno.test("date-time is asserted, by Date.parse (JSON Schema only annotates; RFC 3339 is stricter)", () => {
  checkSchema("2026-12-04T14:22:03.000Z", { type: "string", format: "date-time" });
  assert.throws(
    () => checkSchema("yesterday", { type: "string", format: "date-time" }),
    { message: '$ must be an ISO 8601 time, got "yesterday"' },
  );
  // Looser than RFC 3339: a date alone passes.
  checkSchema("2026-12-04", { type: "string", format: "date-time" });
});

Deno.test("$ref resolves only #/$defs/... within the file; const and enum compare with ===", () => {
  const root: JsonSchema = { $defs: { n: { type: "number" } }, $ref: "#/$defs/n" };
  checkSchema(1, root);
  assert.throws(() => checkSchema(1, { $ref: "other.json#/x" }), /cannot resolve other\.json/);
  checkSchema("a", { enum: ["a", "b"] });
  // JSON Schema compares structurally; this checker does not, and the report's schema has no
  // object-valued const or enum.
  violation({ a: 1 }, { const: { a: 1 } } as JsonSchema);
  violation([1], { enum: [[1]] });
});

Deno.test("the first problem stops the check, named by its JSON path", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    additionalProperties: false,
  };
  assert.throws(
    () => checkSchema({ a: "x", b: "y", c: 1 }, schema),
    { message: "$.a must be a finite number, got string" },
  );
  assert.throws(() => checkSchema({ a: 1, c: 1 }, schema), { message: "$.c is not allowed" });
});

Deno.test("prefixItems check an array's first items each by its own schema; maxItems bounds its length", () => {
  const pair: JsonSchema = {
    type: "array",
    prefixItems: [{ type: "integer", minimum: 0 }, { type: "integer", minimum: 1 }],
    minItems: 2,
    maxItems: 2,
  };
  checkSchema([3, 1], pair);
  assert.throws(() => checkSchema([3, 0], pair), {
    message: "$[1] must be a whole number of at least 1, got an integer",
  });
  assert.throws(() => checkSchema([-1, 1], pair), {
    message: /^\$\[0\] must be a whole number of at least 0/,
  });
  assert.throws(() => checkSchema([3, 1, 1], pair), { message: "$ must have at most 2 items" });
});
