// Validates OpenRPC documents against the official OpenRPC meta-schema (@open-rpc/meta-schema,
// whose JSON Schema part is @json-schema-tools/meta-schema), with ajv and ajv-formats.
//
// Each file given as an argument is checked twice:
//  1. as an instance of the meta-schema (the document's structure, and every embedded schema
//     as a JSON Schema), with formats such as `uri-reference` checked;
//  2. each schema it uses (method params and results, `x-events`, `components.schemas`) is
//     compiled by ajv against the whole document, so every `$ref` must resolve. The meta-schema
//     alone does not check that.
//
// Usage: node validate.mjs FILE...
// Prints `ok FILE` or `FAILED FILE` with the reasons, then `N passed, N failed`; exits 1 if any
// file failed (or none was given).

import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { openrpcDocument } from "@open-rpc/meta-schema";
import { jsonSchema } from "@json-schema-tools/meta-schema";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// The OpenRPC meta-schema declares `$schema: https://meta.json-schema.tools/` and refers to
// `https://meta.json-schema.tools` for every embedded schema, so that schema is registered
// under both spellings.
function metaValidator() {
  // `verbose` puts the failing schema on each error, which `describe` uses to sort them.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  addFormats(ajv);
  ajv.addMetaSchema(jsonSchema);
  ajv.addSchema({ ...jsonSchema, $id: "https://meta.json-schema.tools" });
  return ajv.compile(openrpcDocument);
}
const validateDocument = metaValidator();

// The meta-schema is full of `oneOf: [object, referenceObject]`, so one mistake is reported at
// every level on the way down and once more for the reference branch. Shows the deepest errors
// (the causes) and counts the rest.
function describe(errors) {
  let shown = errors.filter((e) => !errors.some((o) => o.instancePath.startsWith(e.instancePath + "/")));
  const causes = shown.filter(
    (e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.parentSchema?.title !== "referenceObject",
  );
  if (causes.length > 0) shown = causes;
  const lines = shown.map((e) => `  ${e.instancePath || "/"} ${e.message}${
    e.params && Object.keys(e.params).length ? " " + JSON.stringify(e.params) : ""
  }`);
  if (errors.length > shown.length) {
    lines.push(`  (and ${errors.length - shown.length} errors on enclosing objects or other oneOf branches)`);
  }
  return lines;
}

// JSON pointers (RFC 6901) to every schema the document uses.
function schemaPointers(doc) {
  const esc = (s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1");
  const pointers = [];
  (doc.methods ?? []).forEach((m, i) => {
    (m.params ?? []).forEach((p, j) => {
      if (p && "schema" in p) pointers.push(`/methods/${i}/params/${j}/schema`);
    });
    if (m.result && "schema" in m.result) pointers.push(`/methods/${i}/result/schema`);
  });
  (doc["x-events"] ?? []).forEach((e, i) => {
    if (e && "schema" in e) pointers.push(`/x-events/${i}/schema`);
  });
  for (const name of Object.keys(doc.components?.schemas ?? {})) {
    pointers.push(`/components/schemas/${esc(name)}`);
  }
  return pointers;
}

function checkRefs(doc) {
  const problems = [];
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  // The document itself is the base every `#/components/schemas/…` resolves against.
  const base = "urn:jsonws:openrpc-document";
  ajv.addSchema({ ...doc, $id: base }, base);
  for (const pointer of schemaPointers(doc)) {
    try {
      ajv.compile({ $ref: `${base}#${encodeURI(pointer)}` });
    } catch (e) {
      problems.push(`  ${pointer}: ${e.message}`);
    }
  }
  return problems;
}

let passed = 0;
let failed = 0;
for (const file of files) {
  let problems;
  try {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    problems = validateDocument(doc) ? [] : describe(validateDocument.errors);
    if (problems.length === 0) problems = checkRefs(doc);
  } catch (e) {
    problems = [`  ${e.message}`];
  }
  if (problems.length === 0) {
    console.log(`ok ${file}`);
    passed++;
  } else {
    console.log(`FAILED ${file}`);
    for (const line of problems) console.log(line);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
