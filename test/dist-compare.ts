import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest, diffManifests, formatDiff } from '../lib/render/manifest-diff';

/** What a reviewer is told to do when a fresh synth differs from the committed `dist/`. */
export const STALE_DIST_HINT = 'run npm run synth and commit dist/';

/** The committed `*.k8s.yaml` files of one folder of `dist/`, by file name (other files are never applied). */
export function committedFiles(dir: string): Map<string, string> {
  if (!fs.existsSync(dir)) {
    return new Map();
  }
  return new Map(fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort()
    .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function parse(text: string): Manifest[] {
  return parseAllDocuments(text).map((d) => d.toJSON() as Manifest).filter((m) => m !== null);
}

/** The first differing stretch of two texts, as `-`/`+` lines with up to three lines of context around it. */
function lineDiff(before: string, after: string, maxLines = 40): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - 3);
  const out = [`@@ line ${start + 1} @@`];
  out.push(...a.slice(from, start).map((l) => `  ${l}`));
  out.push(...a.slice(start, endA).map((l) => `- ${l}`));
  out.push(...b.slice(start, endB).map((l) => `+ ${l}`));
  out.push(...a.slice(endA, endA + 3).map((l) => `  ${l}`));
  return out.length > maxLines ? [...out.slice(0, maxLines), `  ... ${out.length - maxLines} more line(s)`] : out;
}

/**
 * Compares freshly rendered files with the committed ones, file by file. Returns an empty string when they
 * are byte-identical; otherwise a report naming each file that is missing, extra or different, with the
 * changed objects and fields (as `npm run diff` prints them) and the first differing lines, ending with
 * {@link STALE_DIST_HINT}.
 */
export function compareWithCommitted(folder: string, committed: ReadonlyMap<string, string>, fresh: ReadonlyMap<string, string>): string {
  const report: string[] = [];
  for (const name of [...new Set([...committed.keys(), ...fresh.keys()])].sort()) {
    const before = committed.get(name);
    const after = fresh.get(name);
    if (before === after) {
      continue;
    }
    const file = `${folder}/${name}`;
    if (before === undefined) {
      report.push(`${file}: not committed (synth renders it)`);
    } else if (after === undefined) {
      report.push(`${file}: committed, but synth no longer renders it`);
    } else {
      const changes = diffManifests(parse(before), parse(after));
      report.push(`${file}: differs from a fresh synth`);
      if (changes.length > 0) {
        report.push(formatDiff(changes).trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));
      }
      report.push(...lineDiff(before, after).map((l) => `  ${l}`));
    }
  }
  return report.length === 0 ? '' : `${report.join('\n')}\n\n${STALE_DIST_HINT}`;
}
