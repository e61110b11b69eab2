import * as fs from 'fs';
import * as path from 'path';
import * as api from '../lib';
import * as laravel from '../lib/laravel';

const root = path.join(__dirname, '..');

describe('package boundaries', () => {
  test('nothing in lib/ imports from stacks/ or main', () => {
    const offenders = fs.readdirSync(path.join(root, 'lib'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '(\.\.\/)+(stacks|main)/.test(fs.readFileSync(path.join(root, 'lib', f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('lib/index.ts only re-exports, and never a private module or the Laravel layer', () => {
    const index = fs.readFileSync(path.join(root, 'lib', 'index.ts'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//'));
    expect(index.length).toBeGreaterThan(0);
    expect(index.every((l) => /^export \* from '\.\/[a-z-]+\/[a-z-]+';$/.test(l))).toBe(true);
    expect(index.some((l) => l.includes('private') || l.includes('laravel'))).toBe(false);
  });

  test('lib/laravel/index.ts only re-exports its own folder', () => {
    const index = fs.readFileSync(path.join(root, 'lib', 'laravel', 'index.ts'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('//'));
    expect(index.length).toBeGreaterThan(0);
    expect(index.every((l) => /^export \* from '\.\/[a-z-]+';$/.test(l))).toBe(true);
  });

  test('every lib file has a test file', () => {
    const exported = (index: string, line: RegExp) => fs.readFileSync(path.join(root, index), 'utf8').split('\n')
      .map((l) => line.exec(l)?.[1]).filter((f): f is string => f !== undefined).map((f) => `${f}.ts`);
    const libFiles = [
      ...exported('lib/index.ts', /^export \* from '\.\/[a-z-]+\/([a-z-]+)';$/),
      ...exported('lib/laravel/index.ts', /^export \* from '\.\/([a-z-]+)';$/),
    ];
    expect(libFiles.length).toBeGreaterThan(0);
    const exempt = new Set(['labels.ts', 'validation-error.ts', 'http-probes.ts', 'secret-references.ts', 'monitoring-names.ts', 'laravel-defaults.ts', 'workload-parts.ts']);
    const missing = libFiles.filter((f) => !exempt.has(f) && !fs.existsSync(path.join(root, 'test', f.replace(/\.ts$/, '.test.ts'))));
    expect(missing).toEqual([]);
  });

  test('the public API exposes the constructs other stacks import', () => {
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['BlueGreenApp', 'AppNamespace', 'TlsIngress', 'SecretReferences', 'ValidationError', 'renderCharts']));
    expect(Object.keys(laravel)).toEqual(expect.arrayContaining(['LaravelConfig', 'LaravelScheduler', 'addLaravelQueueWorker', 'PlatformAlerts']));
    expect(Object.keys(api).filter((k) => /laravel/i.test(k))).toEqual([]);
  });

  test('package.json points consumers at compiled lib/ output', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('build/lib/index.js');
    expect(pkg.types).toBe('build/lib/index.d.ts');
  });
});
