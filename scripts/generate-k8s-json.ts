/**
 * Writes lib/render/private/generated/k8s-json.ts from the installed cdk8s-plus-28 (`npm run generate`); run it
 * after upgrading cdk8s-plus-28. See scripts/k8s-json-generator.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { generateK8sJson } from './k8s-json-generator';

const root = path.resolve(__dirname, '..', '..');
const plusDir = path.dirname(require.resolve('cdk8s-plus-28/package.json', { paths: [root] }));
const version = (JSON.parse(fs.readFileSync(path.join(plusDir, 'package.json'), 'utf8')) as { version: string }).version;
const target = path.join(root, 'lib', 'render', 'private', 'generated', 'k8s-json.ts');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, generateK8sJson(fs.readFileSync(path.join(plusDir, 'lib', 'imports', 'k8s.js'), 'utf8'), version));
process.stdout.write(`${path.relative(root, target)}: mappers of cdk8s-plus-28 ${version}\n`);
