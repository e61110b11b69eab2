/**
 * Object-by-object manifest diff for review.
 *
 *   npm run diff -- <env>            a fresh synth of <env> against the committed dist/<env>
 *   npm run diff -- <env> <other>    fresh synths of two environments against each other
 *   add --markdown for a table to paste into a pull-request comment
 *
 * Exit code: 0 no differences, 1 differences, 2 a mistake in the arguments or the configuration.
 */
import * as path from 'path';
import { ValidationError } from '../lib/core/validation-error';
import { DeployedManifests } from '../lib/web/colour-switch';
import { Manifest, diffManifests, formatDiff } from '../lib/render/manifest-diff';
import { loadEnvironment } from '../stacks/config';
import { renderEnvironment } from '../stacks/synthesize';

const root = path.resolve(__dirname, '..', '..');

function fresh(name: string): Manifest[] {
  return renderEnvironment(loadEnvironment(name)).flatMap((f) => f.objects);
}

function main(argv: string[]): number {
  const markdown = argv.includes('--markdown');
  const names = argv.filter((a) => !a.startsWith('--'));
  if (names.length < 1 || names.length > 2) {
    process.stderr.write('usage: npm run diff -- <env> [<other env>] [--markdown]\n');
    return 2;
  }
  try {
    const [left, right] = names;
    const before = right === undefined ? DeployedManifests.fromDirectory(path.join(root, 'dist', left)).all() : fresh(left);
    const after = fresh(right ?? left);
    const changes = diffManifests(before, after);
    const title = right === undefined ? `dist/${left} (committed) -> fresh synth of ${left}` : `${left} -> ${right}`;
    process.stdout.write(`${markdown ? `### ${title}\n\n` : `${title}\n\n`}${formatDiff(changes, markdown ? 'markdown' : 'text')}`);
    return changes.length === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
