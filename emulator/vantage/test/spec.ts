/**
 * Vantage's OpenAPI 2.0 document (spec/vantage-v2.trimmed.json) as ajv validators. Swagger 2 schemas are
 * read as JSON Schema with two rules (spec/README.md): `x-nullable: true`, or a property neither
 * required nor `x-nullable: false`, also allows null (the document's own examples send null there);
 * objects with listed properties allow no others, so the emulator cannot grow fields Vantage lacks.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON. */
import fs from "node:fs";
import path from "node:path";

import Ajv from "ajv";

const SPEC_FILE = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  "..",
  "spec",
  "vantage-v2.trimmed.json",
);
export const document: any = JSON.parse(fs.readFileSync(SPEC_FILE, "utf8"));

function nullable(schema: any): any {
  if (schema.$ref) return { anyOf: [schema, { type: "null" }] };
  const out = { ...schema };
  if (typeof out.type === "string") out.type = [out.type, "null"];
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

/** One Swagger schema as JSON Schema; `requiredHere` says whether its parent requires it. */
export function toJsonSchema(schema: any, requiredHere = true): any {
  if (!schema || typeof schema !== "object") return schema;
  let out: any;
  if (schema.$ref) out = { $ref: schema.$ref };
  else {
    out = {};
    for (const key of ["type", "enum", "format", "required"]) if (key in schema) out[key] = schema[key];
    if (schema.items) out.items = toJsonSchema(schema.items, true);
    if (schema.properties) {
      const required = new Set<string>(schema.required ?? []);
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([name, prop]) => [
          name,
          toJsonSchema(prop, required.has(name)),
        ]),
      );
      out.additionalProperties = false;
    }
    // int32 and the like are not JSON Schema formats; the type says enough.
    delete out.format;
  }
  const mayBeNull = schema["x-nullable"] === true || (!requiredHere && schema["x-nullable"] !== false);
  return mayBeNull ? nullable(out) : out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const ROOT = "https://vantage-emulator.test/spec.json";
ajv.addSchema({
  $id: ROOT,
  definitions: Object.fromEntries(
    Object.entries(document.definitions).map(([name, def]) => [name, toJsonSchema(def, true)]),
  ),
});

export function validatorFor(schema: any) {
  // Refs in the document are "#/definitions/X": resolve them against the document's definitions.
  const converted = toJsonSchema(schema, true);
  const text = JSON.stringify(converted).replace(/"#\/definitions\//g, `"${ROOT}#/definitions/`);
  return ajv.compile(JSON.parse(text));
}

export interface Checked {
  /** Whether the document lists this status for the operation (401/403/429/5xx it does not). */
  documented: boolean;
}

/**
 * Checks a real answer against the document: the operation's schema for a listed status, Errors for any
 * other error status (the document's one error model), and no body for 204. Throws with ajv's errors.
 */
export function checkAnswer(
  method: string,
  template: string,
  status: number,
  body: unknown,
  text: string,
): Checked {
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in the document`);
  const declared = operation.responses[String(status)];
  if (status === 204) {
    if (!declared) throw new Error(`${method} ${template} does not document 204`);
    if (text !== "") throw new Error(`204 with a body: ${text}`);
    return { documented: true };
  }
  const schema = declared?.schema ?? (status >= 400 ? { $ref: "#/definitions/Errors" } : undefined);
  if (!declared && status < 400) throw new Error(`${method} ${template} does not document ${status}`);
  if (schema) {
    const validate = validatorFor(schema);
    if (!validate(body))
      throw new Error(
        `${method} ${template} ${status} does not match the document: ${JSON.stringify(validate.errors)}\n${text}`,
      );
  }
  return { documented: Boolean(declared) };
}

/** Every example the document gives, with the schema it illustrates. */
export function documentExamples(): { where: string; schema: any; example: unknown }[] {
  const out: { where: string; schema: any; example: unknown }[] = [];
  for (const [p, ops] of Object.entries<any>(document.paths))
    for (const [method, op] of Object.entries<any>(ops))
      for (const [status, response] of Object.entries<any>(op.responses ?? {})) {
        const example = response.examples?.["application/json"];
        if (example !== undefined && response.schema)
          out.push({ where: `${method.toUpperCase()} ${p} ${status}`, schema: response.schema, example });
      }
  return out;
}
