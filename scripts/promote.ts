/**
 * Promote or roll back one environment in one command, as a reviewable GitOps change:
 *
 *   npm run promote -- <env>     make the idle colour live (newer release)
 *   npm run rollback -- <env>    make the idle colour live again (older release)
 *
 * Rewrites the environment's line of the release state in stacks/config/releases.ts (live colour, workers'
 * tag), re-synthesizes dist/<env> (which loads and validates the edited file, runs the policy pass and the
 * colour-switch guard) and prints the manifest diff. Any failure restores stacks/config/releases.ts and
 * dist/<env> byte for byte. Nothing is committed or applied: review, commit and let Argo CD sync.
 *
 * Exit code: 0 switched, 1 refused or failed (nothing changed), 2 wrong arguments.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { otherColour } from '../lib/web/blue-green-app';
import { DeployedManifests } from '../lib/web/colour-switch';
import { diffManifests, formatDiff } from '../lib/render/manifest-diff';
import { ENVIRONMENT_NAMES } from '../stacks/config';
import { ReleaseDirection, ReleaseError, applyOrder, formatRelease, readRelease, replaceLine, switchRelease, tagOf } from '../stacks/release';

const root = path.resolve(__dirname, '..', '..');
const configFile = path.join(root, 'stacks', 'config', 'releases.ts');

function copyFolder(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  if (fs.existsSync(from)) {
    fs.cpSync(from, to, { recursive: true });
  }
}

function run(direction: ReleaseDirection, env: string): number {
  const original = fs.readFileSync(configFile, 'utf8');
  const current = readRelease(original, env);
  const next = switchRelease(env, current.state, direction);
  const edited = replaceLine(original, current.line, formatRelease(env, next));

  const distDir = path.join(root, 'dist', env);
  const before = fs.existsSync(distDir) ? DeployedManifests.fromDirectory(distDir).all() : [];
  const backup = fs.mkdtempSync(path.join(os.tmpdir(), `release-${env}-`));
  copyFolder(distDir, path.join(backup, env));
  let done = false;
  try {
    fs.writeFileSync(configFile, edited);
    const synth = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-bundled.js'), 'main.ts', env], { cwd: root, encoding: 'utf8' });
    if (synth.status !== 0) {
      throw new ReleaseError(`${direction} ${env}: synth refused the change; stacks/config/releases.ts and dist/${env} restored:\n${synth.stderr.trim()}`);
    }
    // Re-read what was written: the line must hold exactly the new state.
    const written = readRelease(fs.readFileSync(configFile, 'utf8'), env).state;
    if (JSON.stringify(written) !== JSON.stringify(next)) {
      throw new ReleaseError(`${direction} ${env}: stacks/config/releases.ts does not hold the new release state after writing it; restored`);
    }
    done = true;
  } finally {
    if (!done) {
      fs.writeFileSync(configFile, original);
      copyFolder(path.join(backup, env), distDir);
    }
    fs.rmSync(backup, { recursive: true, force: true });
  }

  const after = DeployedManifests.fromDirectory(distDir).all();
  const live = next.liveColour;
  const previous = otherColour(live);
  process.stdout.write([
    `${direction} ${env}: ${previous} (${tagOf(next, previous)}) -> ${live} (${tagOf(next, live)}); workers ${current.state.workersImageTag} -> ${next.workersImageTag}`,
    `stacks/config/releases.ts and dist/${env} updated. Manifest diff:`,
    '',
    formatDiff(diffManifests(before, after), 'text').trimEnd(),
    '',
    'Argo CD applies it in this order (hooks run on every sync; unchanged objects are skipped):',
    ...applyOrder(before as never[], after as never[]),
    '',
    `Next: review, commit stacks/config/releases.ts and dist/${env}, and let Argo CD sync (prod: press Sync).`,
    'Emergency only (Argo CD reverts it unless this commit follows; self-heal reverts it at once in dev and staging):',
    `  kubectl patch service laravel-service -n ecommerce -p '{"spec":{"selector":{"environment":"${live}"}}}'`,
    '',
  ].join('\n'));
  return 0;
}

function main(argv: string[]): number {
  const [direction, env, ...rest] = argv;
  if ((direction !== 'promote' && direction !== 'rollback') || env === undefined || rest.length > 0) {
    process.stderr.write('usage: npm run promote -- <env>   |   npm run rollback -- <env>\n');
    return 2;
  }
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(env)) {
    process.stderr.write(`${direction}: unknown environment ${JSON.stringify(env)}; expected one of ${ENVIRONMENT_NAMES.join(', ')}\n`);
    return 2;
  }
  try {
    return run(direction, env);
  } catch (error) {
    if (error instanceof ReleaseError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
