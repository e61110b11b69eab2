/**
 * A small YAML emitter for Kubernetes manifests: JSON-compatible values in, block-style YAML out.
 *
 * Why not the `yaml` package's stringify: it is the slowest step of a synth (it builds a document model
 * per object). This emitter writes the text directly, keeps key order as given (cdk8s already sorts keys),
 * and chooses quoting conservatively: a string is written plain only when no YAML 1.1 or 1.2 parser could
 * read it as anything but that string; multi-line strings become literal blocks so that configuration
 * files in ConfigMaps stay readable in review diffs (with an indentation indicator, `|2`, when the first
 * content line starts with a space); a value a literal block cannot carry exactly (only newlines, lines of
 * only spaces, the byte-order mark, control characters) is written double-quoted.
 *
 * Exactness is tested, not argued: `test/yaml-property.test.ts` parses the output of 10,000 random JSON
 * documents with awkward strings back with the `yaml` package and requires the input, and a round-trip
 * test does the same for every synthesized file.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLAIN_CHARS = /^[A-Za-z0-9_./][A-Za-z0-9_./:@%+=,()' -]*$/;
const RESERVED_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const NUMBER_LIKE = /^[-+]?(\.[0-9]|[0-9])[0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/;
const BASE_PREFIX = /^[-+]?0[xXoObB]/;
const SPECIAL_FLOAT = /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
// Printable characters a literal block can hold as they are (tab, newline and printable Unicode; not the
// byte-order mark, which a parser may drop).
const BLOCK_SAFE = /^[\t\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
// A line of only spaces or tabs: a parser reads it as an empty line of the block, not as content.
const BLANK_CONTENT_LINE = /(^|\n)[ \t]+(\n|$)/;

function isPlainSafe(s: string): boolean {
  return s.length > 0
    && PLAIN_CHARS.test(s)
    && !s.endsWith(' ')
    // `---` and `...` at the start of a line end a document.
    && !s.startsWith('...')
    && !s.startsWith('---')
    && !s.endsWith(':')
    && !s.includes(': ')
    && !s.includes(' #')
    && !RESERVED_WORDS.test(s)
    && !NUMBER_LIKE.test(s)
    && !BASE_PREFIX.test(s)
    && !SPECIAL_FLOAT.test(s)
    && !SEXAGESIMAL.test(s)
    && !TIMESTAMP.test(s);
}

/**
 * Rendered form of each single-line string seen so far. Manifests repeat the same keys and values
 * thousands of times, and the quoting decision is the emitter's most expensive step.
 */
const scalarCache = new Map<string, string>();

function scalarString(s: string): string {
  let rendered = scalarCache.get(s);
  if (rendered === undefined) {
    rendered = isPlainSafe(s) ? s : JSON.stringify(s);
    if (s.length <= 256) {
      scalarCache.set(s, rendered);
    }
  }
  return rendered;
}

function blockLiteral(s: string, indent: string): string | undefined {
  // Only newlines: a block without content lines reads as "" whatever its chomping.
  if (!s.includes('\n') || /^\n*$/.test(s) || !BLOCK_SAFE.test(s) || BLANK_CONTENT_LINE.test(s)) {
    return undefined;
  }
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, s.length - trailing);
  const lines = body.split('\n');
  // A parser takes the block's indentation from its first non-empty line: when that line starts with a
  // space (`"\n    location / {\n  }\n"`), state the indentation instead (`|2`, as cdk8s writes it).
  const firstContent = lines.find((line) => line.length > 0) ?? '';
  const indicator = /^[ \t]/.test(firstContent) ? '2' : '';
  const rendered = lines.map((line) => (line.length === 0 ? '' : indent + line)).join('\n');
  const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
  return `|${indicator}${chomp}\n${rendered}${extra}`;
}

function emitValue(value: Json, indent: string, out: string[], prefix: string): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') {
    out.push(`${prefix} ${value === null ? 'null' : String(value)}`);
    return;
  }
  if (typeof value === 'string') {
    const block = value.includes('\n') ? blockLiteral(value, indent + '  ') : undefined;
    out.push(`${prefix} ${block ?? scalarString(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${prefix} []`);
      return;
    }
    out.push(prefix);
    emitSequence(value, indent + '  ', out);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    out.push(`${prefix} {}`);
    return;
  }
  out.push(prefix);
  emitMapping(value, keys, indent + '  ', out);
}

/** Longest implicit key written (YAML 1.2 §7.4.2: at most 1024 characters, counted here in UTF-16 units, so conservatively). */
const MAX_IMPLICIT_KEY = 1000;

function emitMapping(map: { [key: string]: Json }, keys: string[], indent: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const key of keys) {
    const value = map[key];
    if (value === undefined) {
      continue;
    }
    const lead = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const rendered = scalarString(key);
    if (rendered.length > MAX_IMPLICIT_KEY) {
      // YAML allows an implicit key of at most 1024 characters; a longer one needs the explicit `? ` form.
      out.push(`${lead}? ${rendered}`);
      emitValue(value, indent, out, `${indent}:`);
    } else {
      emitValue(value, indent, out, `${lead}${rendered}:`);
    }
  }
}

function emitSequence(items: Json[], indent: string, out: string[]): void {
  for (const item of items) {
    const keys = item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : [];
    if (keys.length > 0) {
      emitMapping(item as { [key: string]: Json }, keys, indent + '  ', out, `${indent}- `);
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(`${indent}-`);
      emitSequence(item, indent + '  ', out);
    } else {
      const line: string[] = [];
      emitValue(item, indent, line, `${indent}-`);
      out.push(...line);
    }
  }
}

/** Renders one document (a mapping) as YAML, ending with a newline. */
export function toYamlDocument(doc: { [key: string]: unknown }): string {
  if (Object.values(doc).every((v) => v === undefined)) {
    return '{}\n';
  }
  const out: string[] = [];
  emitMapping(doc as { [key: string]: Json }, Object.keys(doc), '', out);
  return out.join('\n') + '\n';
}

/** Renders documents as one multi-document YAML stream. */
export function toYamlStream(docs: Array<{ [key: string]: unknown }>): string {
  return docs.map(toYamlDocument).join('---\n');
}
