/**
 * Strict validation of everything in dist/ against the Kubernetes 1.28 OpenAPI definitions and, for custom
 * resources, against their CRD schemas.
 *
 * Strict means an unknown field is an error: every object schema that lists its properties is closed
 * (`additionalProperties: false`) unless it says otherwise (`x-kubernetes-preserve-unknown-fields`).
 * npm validators such as kubernetes-models accept unknown fields, and a JSON patch can add one, so this is
 * the check that catches a typo in a patched field.
 *
 * The schemas are read from outside the repository (they are large and upstream-owned):
 *   K8S_SCHEMA  Kubernetes definitions JSON   (default ../shared/schemas/k8s-1.28/_definitions.json)
 *   CRD_DIR     folder of CRD YAML files       (default ../shared/crds)
 *
 * Usage: npm run verify [-- <dist folder>]
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

type Schema = { [key: string]: unknown };
type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; [key: string]: unknown };

const root = path.resolve(__dirname, '..', '..');
const distDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const k8sSchemaFile = path.resolve(process.env.K8S_SCHEMA ?? path.join(root, '..', 'shared', 'schemas', 'k8s-1.28', '_definitions.json'));
const crdDir = path.resolve(process.env.CRD_DIR ?? path.join(root, '..', 'shared', 'crds'));

/**
 * Closes every object schema that lists properties, recursively, in place; also turns OpenAPI 3.0's
 * boolean `exclusiveMinimum`/`exclusiveMaximum` into the JSON Schema form Ajv reads.
 */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(closeObjects);
    return;
  }
  if (schema === null || typeof schema !== 'object') {
    return;
  }
  const s = schema as Schema;
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof s[exclusive] === 'boolean') {
      if (s[exclusive] === true && typeof s[bound] === 'number') {
        s[exclusive] = s[bound];
        delete s[bound];
      } else {
        delete s[exclusive];
      }
    }
  }
  if (s.properties !== undefined && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    s.additionalProperties = false;
  }
  for (const value of Object.values(s)) {
    closeObjects(value);
  }
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function splitApiVersion(apiVersion: string): [string, string] {
  const parts = apiVersion.split('/');
  return parts.length === 1 ? ['', parts[0]] : [parts[0], parts[1]];
}

function loadKubernetesValidators(ajv: Ajv): Map<string, ValidateFunction> {
  const doc = JSON.parse(fs.readFileSync(k8sSchemaFile, 'utf8')) as { definitions: Record<string, Schema> };
  closeObjects(doc.definitions);
  ajv.addSchema({ $id: 'k8s', definitions: doc.definitions });
  const validators = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(doc.definitions)) {
    const gvks = (def['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
    for (const gvk of gvks) {
      const key = gvkKey(gvk.group, gvk.version, gvk.kind);
      if (!validators.has(key)) {
        validators.set(key, ajv.compile({ $ref: `k8s#/definitions/${name}` }));
      }
    }
  }
  return validators;
}

/** CRD schemas by group/version/kind, compiled on first use (some CRDs carry patterns Ajv must adapt). */
function loadCrdSchemas(): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  if (!fs.existsSync(crdDir)) {
    return schemas;
  }
  for (const file of fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema: Schema } }> } } | null;
      if (crd?.kind !== 'CustomResourceDefinition' || crd.spec === undefined) {
        continue;
      }
      for (const version of crd.spec.versions) {
        if (version.schema?.openAPIV3Schema !== undefined) {
          schemas.set(gvkKey(crd.spec.group, version.name, crd.spec.names.kind), version.schema.openAPIV3Schema);
        }
      }
    }
  }
  return schemas;
}

function compileCrd(ajv: Ajv, schema: Schema, objectMeta: ValidateFunction): ValidateFunction {
  closeObjects(schema);
  // The CRD declares metadata as a plain object; the API server validates it as ObjectMeta.
  const props = (schema.properties ?? {}) as Schema;
  props.metadata = { type: 'object' };
  const validate = ajv.compile(schema);
  const both = ((obj: Manifest) => {
    const ok = validate(obj);
    const metaOk = objectMeta(obj.metadata);
    both.errors = [...(validate.errors ?? []), ...(metaOk ? [] : (objectMeta.errors ?? []).map((e) => ({ ...e, instancePath: `/metadata${e.instancePath}` })))];
    return ok && metaOk;
  }) as ValidateFunction;
  return both;
}

/** Go regular expressions use inline flags (`(?i)`) that JavaScript lacks: turn them into a flag. */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => (pattern.includes('(?i)')
    ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`)
    : new RegExp(pattern, flags)),
  { code: 'new RegExp' },
);

function main(): number {
  if (!fs.existsSync(k8sSchemaFile)) {
    process.stderr.write(`verify: Kubernetes schema not found at ${k8sSchemaFile} (set K8S_SCHEMA)\n`);
    return 2;
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
  const kube = loadKubernetesValidators(ajv);
  const objectMeta = ajv.compile({ $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  const crdSchemas = loadCrdSchemas();
  const crds = new Map<string, ValidateFunction>();
  const crdValidator = (key: string): ValidateFunction | undefined => {
    const schema = crdSchemas.get(key);
    if (schema !== undefined && !crds.has(key)) {
      crds.set(key, compileCrd(ajv, schema, objectMeta));
    }
    return crds.get(key);
  };

  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.k8s.yaml')) {
        files.push(full);
      }
    }
  };
  walk(distDir);

  let objects = 0;
  const failures: string[] = [];
  /** Objects validated against a CRD schema, by kind, so the output shows which custom resources were checked. */
  const customByKind = new Map<string, number>();
  for (const file of files) {
    const rel = path.relative(root, file);
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) {
        failures.push(`${rel}: YAML error: ${doc.errors[0].message}`);
        continue;
      }
      const obj = doc.toJS() as Manifest;
      objects++;
      const [group, version] = splitApiVersion(obj.apiVersion ?? '');
      const key = gvkKey(group, version, obj.kind ?? '');
      const validate = kube.get(key) ?? crdValidator(key);
      if (!kube.has(key) && validate !== undefined) {
        customByKind.set(obj.kind ?? '', (customByKind.get(obj.kind ?? '') ?? 0) + 1);
      }
      const what = `${rel}: ${obj.kind}/${obj.metadata?.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata?.name}`;
      if (validate === undefined) {
        failures.push(`${what}: no Kubernetes 1.28 or CRD schema for ${obj.apiVersion} ${obj.kind}`);
        continue;
      }
      if (!validate(obj)) {
        for (const e of validate.errors ?? []) {
          const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
          failures.push(`${what}: ${e.instancePath === '' ? '/' : e.instancePath} ${e.message}${extra}`);
        }
      }
    }
  }
  if (failures.length > 0) {
    process.stderr.write(`verify: ${failures.length} schema violation(s):\n  ${failures.join('\n  ')}\n`);
    return 1;
  }
  process.stdout.write(`verify: ${objects} objects in ${files.length} files valid against the Kubernetes 1.28 and CRD schemas (strict: unknown fields rejected)\n`);
  const custom = [...customByKind.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, n]) => `${kind} ${n}`).join(', ');
  process.stdout.write(`verify: custom resources checked against their CRD: ${custom === '' ? 'none' : custom}\n`);
  return 0;
}

process.exitCode = main();
