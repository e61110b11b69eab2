import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ManifestFile } from '../lib/render/manifest-writer';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName } from '../stacks/config';
import { renderEnvironment } from '../stacks/synthesize';

/** Environment variable naming the file that holds this test run's renders of the shipped environments. */
const VARIABLE = 'SHIPPED_RENDERS_FILE';

/**
 * Renders every shipped environment once for the whole test run (jest's global setup), so the many test
 * files that read the shipped output do not each render it again. Returns the file written.
 */
export function writeShippedRenders(): string {
  const file = path.join(os.tmpdir(), `shipped-renders-${process.pid}.json`);
  const renders = Object.fromEntries(ENVIRONMENT_NAMES.map((name) => [name, renderEnvironment(ENVIRONMENTS[name])]));
  fs.writeFileSync(file, JSON.stringify(renders));
  process.env[VARIABLE] = file;
  return file;
}

/** Removes this run's renders (jest's global teardown). */
export function removeShippedRenders(): void {
  const file = process.env[VARIABLE];
  if (file !== undefined) {
    fs.rmSync(file, { force: true });
  }
}

let cached: Record<EnvironmentName, ManifestFile[]> | undefined;

/**
 * This run's render of a shipped environment, or `undefined` outside a full jest run (then the caller
 * renders it itself).
 */
export function shippedRender(name: EnvironmentName): ManifestFile[] | undefined {
  const file = process.env[VARIABLE];
  if (cached === undefined && file !== undefined && fs.existsSync(file)) {
    cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<EnvironmentName, ManifestFile[]>;
  }
  return cached?.[name];
}
