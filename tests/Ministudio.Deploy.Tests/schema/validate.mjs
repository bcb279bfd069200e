// Validates every object of a multi-document YAML file against its JSON schema: the Kubernetes OpenAPI schemas
// (kubernetes-models; types, required fields, enums, formats) and KEDA's CRD schemas (@kubernetes-models/keda).
// Usage: node validate.mjs <file.yaml>   Prints one line per object ("ok" or "FAIL ... reasons") and a JSON summary
// as its last line; exits 1 when any object fails or has no schema.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const modules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
const versionOf = (file, pattern) => (readFileSync(join(modules, file), "utf8").match(pattern) ?? [])[1] ?? "unknown";
const kubernetes = versionOf("kubernetes-models/README.md", /badge\/kubernetes-(1\.\d+\.\d+)/);
const keda = versionOf("@kubernetes-models/keda/package.json", /keda-(\d+\.\d+\.\d+)\.yaml/);

const objects = parseAllDocuments(readFileSync(process.argv[2], "utf8")).map((d) => d.toJS()).filter(Boolean);
// kustomize folds long base64 values of Secrets over several lines, which the API server's decoder accepts (it skips
// line breaks) but the schema's "byte" format does not: join them as the server reads them.
for (const object of objects) {
  if (object.kind === "Secret" && object.data) {
    for (const key of Object.keys(object.data)) object.data[key] = String(object.data[key]).replace(/[\r\n]/g, "");
  }
}

let failures = 0;
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const [group, version] = object.apiVersion?.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = group === "keda.sh"
    ? `@kubernetes-models/keda/keda.sh/${version}/${object.kind}`
    : `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch {
    failures++;
    console.log(`FAIL ${name}: no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    failures++;
    const reasons = (error.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`);
    console.log(`FAIL ${name}: ${reasons.length ? reasons.join("; ") : error.message}`);
  }
}
console.log(JSON.stringify({ kubernetes, keda, validated: objects.length, failures }));
process.exit(failures ? 1 : 0);
