/**
 * The release state block of `stacks/config/releases.ts` as text: reading one environment's line, deciding a
 * promote or rollback, and rewriting the line. `scripts/promote.ts` does the file and synth work around it.
 *
 * The block is edited as text (not re-generated) so the rest of the file, its comments and formatting stay
 * byte for byte as they are; a line is replaced only when it matches the expected one-line shape exactly.
 */
import { Colour, otherColour } from '../lib/web/blue-green-app';
import { ReleaseState } from './config';
import { diffManifests } from '../lib/render/manifest-diff';
import { SyncObject, objectKey, syncTasks } from '../lib/delivery/sync-order';
import { ArgoCdAnnotations } from '../lib/delivery/sync-waves';

/** Start and end markers of the block. */
export const RELEASE_BLOCK_START = '// ---- release state: rewritten by `npm run promote` / `npm run rollback` (scripts/promote.ts). ----';
export const RELEASE_BLOCK_END = '// ---- end of release state ----';

/** Promote makes the newer idle colour live; rollback returns to the older one. */
export type ReleaseDirection = 'promote' | 'rollback';

/** A refusal or a malformed file; the message is printed as it is. */
export class ReleaseError extends Error {}

const LINE = /^ {2}([a-z][a-z0-9-]*): \{ liveColour: '(blue|green)', blueImageTag: '([^'\n]*)', greenImageTag: '([^'\n]*)', workersImageTag: '([^'\n]*)' \},$/;

/** One environment's line in the block and the state it holds. */
export interface ReleaseLine {
  readonly line: string;
  readonly state: ReleaseState;
}

/**
 * Finds `env`'s line in the release block of `source`.
 *
 * @throws ReleaseError when the markers are missing or repeated, or the line is absent or not in the expected shape
 */
export function readRelease(source: string, env: string): ReleaseLine {
  const starts = source.split(RELEASE_BLOCK_START).length - 1;
  const ends = source.split(RELEASE_BLOCK_END).length - 1;
  if (starts !== 1 || ends !== 1 || source.indexOf(RELEASE_BLOCK_START) > source.indexOf(RELEASE_BLOCK_END)) {
    throw new ReleaseError('stacks/config/releases.ts: the release state block must appear exactly once between its two marker comments');
  }
  const block = source.slice(source.indexOf(RELEASE_BLOCK_START), source.indexOf(RELEASE_BLOCK_END));
  const candidates = block.split('\n').filter((l) => l.startsWith(`  ${env}:`));
  if (candidates.length !== 1) {
    throw new ReleaseError(`stacks/config/releases.ts: expected one line for ${env} in the release state block, found ${candidates.length}`);
  }
  const match = LINE.exec(candidates[0]);
  if (match === null || match[1] !== env) {
    throw new ReleaseError(`stacks/config/releases.ts: the release line of ${env} is not in the expected one-line form:\n  ${candidates[0].trim()}`);
  }
  return {
    line: candidates[0],
    state: { liveColour: match[2] as Colour, blueImageTag: match[3], greenImageTag: match[4], workersImageTag: match[5] },
  };
}

/** The line `state` is written as. */
export function formatRelease(env: string, state: ReleaseState): string {
  return `  ${env}: { liveColour: '${state.liveColour}', blueImageTag: '${state.blueImageTag}', greenImageTag: '${state.greenImageTag}', workersImageTag: '${state.workersImageTag}' },`;
}

/** The tag a colour runs. */
export function tagOf(state: ReleaseState, colour: Colour): string {
  return colour === 'blue' ? state.blueImageTag : state.greenImageTag;
}

/**
 * The state after a promote or rollback of `env`: the idle colour becomes live and the workers move to its
 * tag.
 *
 * @throws ReleaseError when the idle colour has no tag, runs the live colour's tag, or (for semantic
 * versions) is older than the live one for a promote / newer for a rollback
 */
export function switchRelease(env: string, state: ReleaseState, direction: ReleaseDirection): ReleaseState {
  const live = state.liveColour;
  const idle = otherColour(live);
  const liveTag = tagOf(state, live);
  const idleTag = tagOf(state, idle);
  const refuse = (why: string) => new ReleaseError(`${direction} ${env}: refused: ${why}; nothing was changed`);
  if (idleTag.trim() === '') {
    throw refuse(`the idle colour ${idle} has no image tag set (set ${idle}ImageTag in the release state first)`);
  }
  if (idleTag === liveTag) {
    throw refuse(`the idle colour ${idle} runs the same image as the live colour ${live} (${liveTag})`);
  }
  const order = compareVersions(idleTag, liveTag);
  if (direction === 'promote' && order !== undefined && order < 0) {
    throw refuse(`the idle colour ${idle} runs ${idleTag}, older than the live ${live} ${liveTag}: that is a rollback (npm run rollback -- ${env})`);
  }
  if (direction === 'rollback' && order !== undefined && order > 0) {
    throw refuse(`the idle colour ${idle} runs ${idleTag}, newer than the live ${live} ${liveTag}: that is a promote (npm run promote -- ${env})`);
  }
  return { ...state, liveColour: idle, workersImageTag: idleTag };
}

/** Replaces `line` by `replacement`, requiring exactly one occurrence. */
export function replaceLine(source: string, line: string, replacement: string): string {
  const parts = source.split(`\n${line}\n`);
  if (parts.length !== 2) {
    throw new ReleaseError(`stacks/config/releases.ts: expected the release line exactly once, found it ${parts.length - 1} time(s)`);
  }
  return parts.join(`\n${replacement}\n`);
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** Semantic-version order of two tags (-1, 0, 1), or undefined when either is not a version (a digest, `main`). */
export function compareVersions(a: string, b: string): number | undefined {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (x === null || y === null) {
    return undefined;
  }
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) {
      return Math.sign(d);
    }
  }
  // A pre-release sorts before its release; pre-releases compare identifier by identifier.
  if (x[4] === undefined || y[4] === undefined) {
    return x[4] === y[4] ? 0 : x[4] === undefined ? 1 : -1;
  }
  const p = x[4].split('.');
  const q = y[4].split('.');
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    if (p[i] === undefined || q[i] === undefined) {
      return p[i] === undefined ? -1 : 1;
    }
    const numeric = /^\d+$/.test(p[i]) && /^\d+$/.test(q[i]);
    const d = numeric ? Number(p[i]) - Number(q[i]) : p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
    if (d !== 0) {
      return Math.sign(d);
    }
  }
  return 0;
}

/**
 * What a sync of `after` over `before` does, in the order Argo CD does it (`syncTasks`): every hook run,
 * every object applied that changed (with its changed fields, labels and sync-wave annotations left out) and every
 * object pruned, one line each with phase and wave. Shows a reviewer that the colour about to serve is
 * raised before the live Service moves and the other colour lowered after it.
 */
export function applyOrder(before: readonly SyncObject[], after: readonly SyncObject[]): string[] {
  const previous = new Map(before.map((o) => [objectKey(o), o]));
  const lines: string[] = [];
  for (const task of syncTasks(before, after)) {
    const o = task.object;
    const where = `${task.phase} ${task.action === 'prune' ? 'prune' : `wave ${task.wave}`}`.padEnd(16);
    const what = `${o.kind} ${o.metadata?.name ?? ''}`;
    if (task.action !== 'apply') {
      lines.push(`  ${where} ${task.action} ${what}`);
      continue;
    }
    const old = previous.get(objectKey(o));
    const changes = diffManifests(old === undefined ? [] : [old as never], [o as never]);
    if (changes.length === 0) {
      continue;
    }
    // Labels follow the image; the wave is the line's own column.
    const fields = changes[0].fields.filter((f) => !f.path.endsWith(ArgoCdAnnotations.SYNC_WAVE) && !/(^|\.)labels\./.test(f.path))
      .map((f) => `${f.path}: ${JSON.stringify(f.before)} -> ${JSON.stringify(f.after)}`);
    const detail = old === undefined ? ' (new)' : fields.length === 0 ? ' (wave only)' : `  ${fields.join('; ')}`;
    lines.push(`  ${where} apply ${what}${detail.length > 160 ? `${detail.slice(0, 157)}...` : detail}`);
  }
  return lines;
}
