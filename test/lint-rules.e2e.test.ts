import { spawnSync } from 'child_process';
import * as path from 'path';

/** The lint rule that keeps the code on cdk8s' public API, proven on planted imports (one ESLint run). */
const root = path.join(__dirname, '..');
const eslintBin = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

test('rejects imports of cdk8s and cdk8s-plus-28 private paths, and only those', () => {
  const code = [
    "import { App } from 'cdk8s';",
    "import * as kplus from 'cdk8s-plus-28';",
    "import { resolve } from 'cdk8s/lib/resolve';",
    "import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';",
    "export { Names } from 'cdk8s/lib/names';",
    'export const all = [App, kplus, resolve, k8s];',
    '',
  ].join('\n');
  const result = spawnSync(process.execPath, [eslintBin, '--stdin', '--stdin-filename', path.join(root, 'lib', 'render', 'probe.ts'), '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8' });
  const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string; line: number; message: string }> }>;
  expect(report.messages.map((m) => [m.ruleId, m.line])).toEqual([['no-restricted-imports', 3], ['no-restricted-imports', 4], ['no-restricted-imports', 5]]);
  expect(report.messages[0].message).toMatch(/paths under lib\/ are private to those packages/);
  expect(result.status).toBe(1);
}, 60_000);
