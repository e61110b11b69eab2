/** A Kubernetes object as read from YAML. */
export type Manifest = { [key: string]: unknown };

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** Dotted path below the object (`spec.selector.environment`; list items by index, or by `name`). */
  readonly path: string;

  /** Value before, `undefined` when the field was added. */
  readonly before: unknown;

  /** Value after, `undefined` when the field was removed. */
  readonly after: unknown;

  /**
   * Whether the change is the order of a list whose items are matched by name (`before` and `after` are
   * then the names in order): reordering init containers changes what runs first.
   *
   * @default false
   */
  readonly order?: boolean;
}

/** How one object differs. */
export interface ObjectChange {
  /** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
  readonly object: string;

  /** Whether the object was added, removed or changed. */
  readonly change: 'added' | 'removed' | 'changed';

  /** Field changes, for a changed object. */
  readonly fields: FieldChange[];
}

function objectId(m: Manifest): string {
  const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(m.kind)} ${meta.namespace !== undefined ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}

/** Whether every item of a list is an object with a unique `name` (containers, env, ports, volumes). */
function namedItems(list: unknown[]): boolean {
  const names = list.map((i) => (i !== null && typeof i === 'object' ? (i as { name?: unknown }).name : undefined));
  return names.every((n) => typeof n === 'string') && new Set(names).size === names.length;
}

function compare(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (Array.isArray(before) && Array.isArray(after) && namedItems(before) && namedItems(after)) {
    // Match list items by name, so inserting one env var reports one addition, not a shifted list.
    const index = (list: unknown[]) => new Map(list.map((i) => [(i as { name: string }).name, i]));
    const a = index(before);
    const b = index(after);
    // Order is significant (init containers run in it): compare the names both lists keep.
    const kept = (list: Map<string, unknown>, other: Map<string, unknown>) => [...list.keys()].filter((n) => other.has(n));
    const beforeOrder = kept(a, b);
    const afterOrder = kept(b, a);
    if (beforeOrder.join('\0') !== afterOrder.join('\0')) {
      out.push({ path, before: beforeOrder, after: afterOrder, order: true });
    }
    for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
      compare(a.get(name), b.get(name), `${path}[${name}]`, out);
    }
    return;
  }
  const isObject = (v: unknown) => v !== null && typeof v === 'object';
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
    for (const key of keys) {
      const child = Array.isArray(before) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      compare((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], child, out);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path, before, after });
  }
}

/**
 * Compares two sets of objects by kind, namespace and name: objects added, removed, and the fields that
 * changed in the others. Output order follows `after`, then removed objects in `before` order.
 */
export function diffManifests(before: readonly Manifest[], after: readonly Manifest[]): ObjectChange[] {
  const old = new Map(before.map((m) => [objectId(m), m]));
  const current = new Set(after.map(objectId));
  const changes: ObjectChange[] = [];
  for (const m of after) {
    const id = objectId(m);
    const previous = old.get(id);
    if (previous === undefined) {
      changes.push({ object: id, change: 'added', fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    compare(previous, m, '', fields);
    if (fields.length > 0) {
      changes.push({ object: id, change: 'changed', fields });
    }
  }
  for (const m of before) {
    if (!current.has(objectId(m))) {
      changes.push({ object: objectId(m), change: 'removed', fields: [] });
    }
  }
  return changes;
}

/** Lines of context shown around each changed line of a multi-line value. */
const CONTEXT_LINES = 2;

/** A long single-line value is shown around its first difference, never cut to text both sides share. */
const MAX_INLINE = 120;

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** `before` and `after` as shown side by side: whole, or both cut to the region where they differ. */
function showPair(before: unknown, after: unknown): [string, string] {
  const a = show(before);
  const b = show(after);
  if (a.length <= MAX_INLINE && b.length <= MAX_INLINE) {
    return [a, b];
  }
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) {
    end++;
  }
  const margin = 30;
  const cut = (s: string) => {
    const from = Math.max(0, start - margin);
    const to = Math.min(s.length, s.length - end + margin);
    return `${from > 0 ? '…' : ''}${s.slice(from, to)}${to < s.length ? '…' : ''}`;
  };
  return [cut(a), cut(b)];
}

function isMultiLine(change: FieldChange): boolean {
  const multi = (v: unknown) => typeof v === 'string' && v.includes('\n');
  return !change.order && (multi(change.before) || multi(change.after)) && (change.before === undefined || typeof change.before === 'string') && (change.after === undefined || typeof change.after === 'string');
}

/** One line of a line diff: kept (' '), removed ('-') or added ('+'). */
interface DiffLine {
  readonly mark: ' ' | '-' | '+';
  readonly text: string;
}

/** Line diff of two texts by longest common subsequence (configuration files: a few hundred lines). */
function diffLines(before: string, after: string): DiffLine[] {
  // A final newline ends the last line; it is not an empty line of its own.
  const lines = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ mark: ' ', text: x[i++] });
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      middle.push({ mark: '-', text: x[i++] });
    } else {
      middle.push({ mark: '+', text: y[j++] });
    }
  }
  return [
    ...a.slice(0, head).map((text): DiffLine => ({ mark: ' ', text })),
    ...middle,
    ...a.slice(a.length - tail).map((text): DiffLine => ({ mark: ' ', text })),
  ];
}

/** The changed lines with `CONTEXT_LINES` around them; `...` stands for skipped unchanged lines. */
function hunks(before: string, after: string): string[] {
  const lines = diffLines(before, after);
  const keep = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.mark !== ' ') {
      for (let k = Math.max(0, i - CONTEXT_LINES); k <= Math.min(lines.length - 1, i + CONTEXT_LINES); k++) {
        keep[k] = true;
      }
    }
  });
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (keep[i]) {
      out.push(`${line.mark} ${line.text}`);
    } else if (i === 0 || keep[i - 1]) {
      out.push('  ...');
    }
  });
  return out;
}

/** Inline code for Markdown: a backtick run longer than any inside, pipes escaped for table cells. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.length === 0 ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** A fenced `diff` block whose fence no line of the content can close. */
function fenced(lines: string[]): string[] {
  const longest = Math.max(0, ...lines.map((l) => /^[ +-]?\s*(`+)/.exec(l)?.[1].length ?? 0));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}diff`, ...lines, fence];
}

/**
 * Renders changes for a terminal (plain text) or a pull-request comment (Markdown), ending with a count
 * line: `3 objects changed: 0 added, 0 removed, 3 changed`.
 *
 * A multi-line value (a configuration file in a ConfigMap, a script) is shown as a line diff: the changed
 * lines with two lines of context. A long single-line value is shown around its first difference. A list
 * whose items are matched by name reports a new order. In Markdown every value is inline code or a fenced
 * block that its content cannot close, with pipes escaped in tables.
 */
export function formatDiff(changes: readonly ObjectChange[], format: 'text' | 'markdown' = 'text'): string {
  const count = (c: ObjectChange['change']) => changes.filter((x) => x.change === c).length;
  const summary = `${changes.length} object(s) differ: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`;
  if (changes.length === 0) {
    return 'no differences\n';
  }
  const lines: string[] = [];
  if (format === 'markdown') {
    lines.push(`**${summary}**`, '', '| object | change | field | before | after |', '| --- | --- | --- | --- | --- |');
    const blocks: string[] = [];
    for (const c of changes) {
      if (c.fields.length === 0) {
        lines.push(`| ${code(c.object)} | ${c.change} | | | |`);
      }
      for (const f of c.fields) {
        if (isMultiLine(f)) {
          lines.push(`| ${code(c.object)} | changed | ${code(f.path)} | (multi-line, below) | (multi-line, below) |`);
          blocks.push('', `${code(c.object)} ${code(f.path)}:`, '', ...fenced(hunks(String(f.before ?? ''), String(f.after ?? ''))));
        } else {
          const [before, after] = showPair(f.before, f.after);
          lines.push(`| ${code(c.object)} | ${f.order ? 'reordered' : 'changed'} | ${code(f.path)} | ${code(before)} | ${code(after)} |`);
        }
      }
    }
    lines.push(...blocks);
  } else {
    for (const c of changes) {
      const mark = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
      lines.push(`${mark} ${c.object}`);
      for (const f of c.fields) {
        if (isMultiLine(f)) {
          lines.push(`    ${f.path}:`, ...hunks(String(f.before ?? ''), String(f.after ?? '')).map((l) => `      ${l}`));
        } else {
          const [before, after] = showPair(f.before, f.after);
          lines.push(`    ${f.path}${f.order ? ' (order)' : ''}: ${before} -> ${after}`);
        }
      }
    }
    lines.push('', summary);
  }
  return lines.join('\n') + '\n';
}
