/**
 * Generates lib/render/private/generated/k8s-json.ts: the L1 → Kubernetes JSON mappers of cdk8s-plus-28's `k8s`
 * bindings, rewritten to build each object in one pass.
 *
 * cdk8s-plus-28's generated `toJson_*` functions list every field of a type in an object literal and then
 * drop the undefined ones with `Object.entries(result).reduce((r, i) => ({ ...r, [i[0]]: i[1] }), {})`,
 * which copies the object once per field present. For a Deployment that is most of its serialization.
 * The functions generated here keep every field expression of the original verbatim (same JSON names,
 * same order, same `?.value` for number/string unions, `?.map` for lists, `toISOString()` for dates) and
 * only replace those copies by assignments. The parser accepts exactly the shapes cdk8s-plus generates and
 * fails on anything else, so a cdk8s-plus upgrade that changes them stops the generator rather than
 * producing a subtly different mapper; `test/k8s-json.test.ts` checks the committed file is what this
 * generates and that every mapper returns what cdk8s-plus' returns on random inputs.
 */

/** One field of a mapped type: its JSON name and the expression computing its value from `obj`. */
export interface MappedField {
  readonly jsonName: string;
  readonly expression: string;
}

/** The parsed mappers and L1 classes of cdk8s-plus-28's lib/imports/k8s.js. */
export interface K8sMappers {
  /** Mapper name (`toJson_DeploymentSpec`) -> its fields, in declaration order. */
  readonly mappers: ReadonlyMap<string, readonly MappedField[]>;
  /** L1 class name (`KubeDeployment`) -> the mapper its `toJson()` applies to the resolved manifest. */
  readonly classes: ReadonlyMap<string, string>;
}

const MAPPER = /\nfunction (toJson_\w+)\(obj\) \{\n([\s\S]*?)\n\}\n/g;
const MAPPER_BODY = new RegExp([
  /^\s*if \(obj === undefined\) \{\n\s*return undefined;\n\s*\}\n/.source,
  /\s*const result = \{\n([\s\S]*?)\n\s*\};\n/.source,
  /\s*\/\/ filter undefined values\n/.source,
  /\s*return Object\.entries\(result\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\);\s*$/.source,
].join(''));
const FIELD = /^'([A-Za-z0-9$_.-]+)': (.*),$/;
const L1_CLASS = /\nclass (\w+) extends cdk8s_1\.ApiObject \{([\s\S]*?)\n\}\nexports\./g;
const L1_TO_JSON = /toJson\(\) \{\n\s*const resolved = super\.toJson\(\);\n\s*return \{\n\s*\.\.\.(\w+)\.GVK,\n\s*\.\.\.(toJson_\w+)\(resolved\),\n\s*\};\n\s*\}/;

/** A field value: a plain read, a nested mapper, a list, a union, a date. `P` is `obj.<property>`. */
const VALUE_SHAPES = [
  /^P$/, /^toJson_\w+\(P\)$/, /^P\?\.map\(y => y\)$/, /^P\?\.map\(y => toJson_\w+\(y\)\)$/, /^P\?\.value$/, /^P\?\.toISOString\(\)$/,
];
/** A map field: `((P) === undefined) ? undefined : (Object.entries(P).reduce(... [i[0]]: V }), {}))`. */
const MAP_FIELD = /^\(\((obj\.\w+)\) === undefined\) \? undefined : \(Object\.entries\(\1\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: (.*) \}\), \{\}\)\)$/;
const MAP_VALUE_SHAPES = [/^i\[1\]$/, /^i\[1\]\?\.map\(y => y\)$/, /^i\[1\]\?\.value$/, /^toJson_\w+\(i\[1\]\)$/];

/** Parses cdk8s-plus-28's lib/imports/k8s.js; throws on any shape it was not written for. */
export function parseK8sMappers(source: string): K8sMappers {
  const mappers = new Map<string, MappedField[]>();
  for (const [, name, body] of source.matchAll(MAPPER)) {
    const match = MAPPER_BODY.exec(body);
    if (match === null) {
      throw new Error(`${name}: not the mapper shape this generator knows`);
    }
    mappers.set(name, match[1].split('\n').map((line) => parseField(name, line.trim())));
  }
  const declared = source.match(/\nfunction toJson_\w+\(/g)?.length ?? 0;
  if (declared !== mappers.size) {
    throw new Error(`found ${declared} toJson_ functions but parsed ${mappers.size}`);
  }
  const classes = new Map<string, string>();
  for (const [, name, body] of source.matchAll(L1_CLASS)) {
    const match = L1_TO_JSON.exec(body);
    if (match === null || match[1] !== name || !mappers.has(match[2])) {
      throw new Error(`${name}: toJson() is not the L1 shape this generator knows`);
    }
    classes.set(name, match[2]);
  }
  if (mappers.size === 0 || classes.size === 0) {
    throw new Error('no mappers or L1 classes found: is this cdk8s-plus-28 lib/imports/k8s.js?');
  }
  return { mappers, classes };
}

function parseField(mapper: string, line: string): MappedField {
  const field = FIELD.exec(line);
  if (field === null || field[1] === '__proto__') {
    throw new Error(`${mapper}: unknown field line ${JSON.stringify(line)}`);
  }
  const [, jsonName, expression] = field;
  const map = MAP_FIELD.exec(expression);
  if (map !== null) {
    if (!MAP_VALUE_SHAPES.some((shape) => shape.test(map[2]))) {
      throw new Error(`${mapper}.${jsonName}: unknown map value ${JSON.stringify(map[2])}`);
    }
    return { jsonName, expression };
  }
  const shape = expression.replace(/obj\.\w+/, 'P');
  if ((expression.match(/obj\./g) ?? []).length !== 1 || !VALUE_SHAPES.some((s) => s.test(shape))) {
    throw new Error(`${mapper}.${jsonName}: unknown value ${JSON.stringify(expression)}`);
  }
  return { jsonName, expression };
}

/** The TypeScript of the one-pass mapper for one field. */
function fieldStatement(field: MappedField): string {
  const key = JSON.stringify(field.jsonName).replace(/"/g, '\'');
  const map = MAP_FIELD.exec(field.expression);
  const value = map === null
    ? field.expression
    : `${map[1]} === undefined ? undefined : entries(${map[1]}, (x) => ${map[2].replace(/i\[1\]/g, 'x')})`;
  // The only change to the expression itself: a type for the list callbacks' parameter (strict TypeScript).
  const typed = value.replace(/\?\.map\(y => /g, '?.map((y: any) => ');
  return `  v = ${typed};\n  if (v !== undefined) {\n    r[${key}] = v;\n  }\n`;
}

/** Generates lib/render/private/generated/k8s-json.ts from cdk8s-plus-28's k8s.js of version `version`. */
export function generateK8sJson(source: string, version: string): string {
  const { mappers, classes } = parseK8sMappers(source);
  const out: string[] = [
    '/* eslint-disable */',
    '// Generated by scripts/generate-k8s-json.ts from cdk8s-plus-28 lib/imports/k8s.js; do not edit.',
    '// One-pass equivalents of its toJson_* mappers (see scripts/k8s-json-generator.ts).',
    '',
    '/** The cdk8s-plus-28 version these mappers were generated from; any other version is not used. */',
    `export const CDK8S_PLUS_VERSION = ${JSON.stringify(version).replace(/"/g, '\'')};`,
    '',
    '/** Copies a map\'s defined entries through `convert`, as the originals\' reduce does (own property even for `__proto__`). */',
    'function entries(map: any, convert: (value: any) => any): any {',
    '  const result: any = {};',
    '  for (const [key, value] of Object.entries(map)) {',
    '    if (value !== undefined) {',
    '      if (key === \'__proto__\') {',
    '        Object.defineProperty(result, key, { value: convert(value), enumerable: true, writable: true, configurable: true });',
    '      } else {',
    '        result[key] = convert(value);',
    '      }',
    '    }',
    '  }',
    '  return result;',
    '}',
    '',
  ];
  for (const [name, fields] of mappers) {
    out.push(`export function ${name}(obj: any): any {`);
    out.push('  if (obj === undefined) {\n    return undefined;\n  }');
    out.push('  const r: any = {};');
    if (fields.length > 0) {
      out.push('  let v: any;');
    }
    out.push(fields.map(fieldStatement).join('').replace(/\n$/, ''));
    out.push('  return r;');
    out.push('}');
    out.push('');
  }
  out.push('/** L1 class name -> the mapper its toJson() applies to the resolved manifest. */');
  out.push('export const L1_MAPPERS: { readonly [className: string]: (obj: any) => any } = {');
  for (const [name, mapper] of [...classes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`  ${name}: ${mapper},`);
  }
  out.push('};');
  return out.join('\n') + '\n';
}
