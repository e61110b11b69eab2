/**
 * Stages the publishable package in build/package/: the compiled library (build/lib, build/imports), a
 * package.json with the public entry points only, the consumer README (package/README.md), the licence and
 * the changelog. The repository's own README is the operations manual and stays out of the package.
 *
 * Usage: npm run package   (then `npm pack ./build/package` or `npm publish ./build/package`)
 */
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build', 'package');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

if (!fs.existsSync(path.join(root, 'build', 'lib', 'index.js'))) {
  throw new Error('build/lib is missing: run `npm run build` first');
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

/** Copies the .js and .d.ts files of a build folder. */
function copyBuild(dir) {
  const from = path.join(root, 'build', dir);
  for (const file of fs.readdirSync(from, { recursive: true }).map(String).sort()) {
    if (!/\.(js|d\.ts)$/.test(file)) {
      continue;
    }
    const target = path.join(out, dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(from, file), target);
  }
}
copyBuild('lib');
copyBuild('imports');

const published = {
  name: pkg.name,
  version: pkg.version,
  description: 'cdk8s constructs for Kubernetes 1.28: blue/green apps, workers, backups, monitoring and alerting',
  license: pkg.license,
  main: 'lib/index.js',
  types: 'lib/index.d.ts',
  exports: Object.fromEntries(Object.entries(pkg.exports).map(([subpath, target]) => [
    subpath,
    typeof target === 'string' ? target.replace('./build/', './') : {
      types: target.types.replace('./build/', './'),
      default: target.default.replace('./build/', './'),
    },
  ])),
  typesVersions: { '*': Object.fromEntries(Object.entries(pkg.typesVersions['*']).map(([subpath, targets]) => [
    subpath, targets.map((t) => t.replace(/^build\//, '')),
  ])) },
  engines: pkg.engines,
  dependencies: pkg.dependencies,
  peerDependencies: pkg.peerDependencies,
};
fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(published, null, 2) + '\n');
fs.copyFileSync(path.join(root, 'package', 'README.md'), path.join(out, 'README.md'));
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
fs.copyFileSync(path.join(root, 'CHANGELOG.md'), path.join(out, 'CHANGELOG.md'));
console.log(`staged ${published.name}@${published.version} in ${path.relative(root, out)}`);
