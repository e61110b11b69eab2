import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The bundle runner's cache follows file contents, whatever their modification times say. */
const root = path.join(__dirname, '..');
const work = path.join(root, 'build', `run-bundled-test-${process.pid}`);
const name = `probe-${process.pid}`;

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  for (const ext of ['js', 'meta.json', 'hash', 'cache']) {
    fs.rmSync(path.join(root, 'build', 'run', `${name}.${ext}`), { force: true });
  }
});

function run(): string {
  return execFileSync(process.execPath, [path.join(root, 'scripts', 'run-bundled.js'), path.relative(root, path.join(work, `${name}.ts`))], { cwd: root, encoding: 'utf8' });
}

test('rebuilds when an input changed but was given an older modification time', () => {
  fs.mkdirSync(work, { recursive: true });
  const dep = path.join(work, 'value.ts');
  fs.writeFileSync(path.join(work, `${name}.ts`), "import { value } from './value';\nprocess.stdout.write(value);\n");
  fs.writeFileSync(dep, "export const value = 'first';\n");
  expect(run()).toBe('first');
  const bundle = path.join(root, 'build', 'run', `${name}.js`);
  const built = fs.statSync(bundle).mtimeMs;
  expect(run()).toBe('first');
  expect(fs.statSync(bundle).mtimeMs).toBe(built);
  fs.writeFileSync(dep, "export const value = 'second';\n");
  const old = new Date(Date.now() - 24 * 3600 * 1000);
  fs.utimesSync(dep, old, old);
  expect(run()).toBe('second');
}, 60_000);
