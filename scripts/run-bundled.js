#!/usr/bin/env node
/**
 * Runs a TypeScript entry point as one esbuild bundle, rebuilding the bundle only when a source changed.
 *
 * Usage: node scripts/run-bundled.js <entry.ts> [args...]
 *
 * The bundle (build/run/<name>.js) and esbuild's metafile listing every bundled source sit side by side;
 * the bundle is reused while no listed source is newer than it (or missing). Dependencies stay external,
 * so node_modules is loaded as usual. Type checking is not done here: `npm run lint` and `npm run build`
 * do it once, and CI runs both.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write('usage: node scripts/run-bundled.js <entry.ts> [args...]\n');
  process.exit(2);
}
const name = path.basename(entry, path.extname(entry));
const outfile = path.join(root, 'build', 'run', `${name}.js`);
const metafile = path.join(root, 'build', 'run', `${name}.meta.json`);

function isFresh() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, 'utf8')).inputs);
    return inputs.length > 0 && inputs.every((input) => fs.statSync(path.join(root, input)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (!isFresh()) {
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    metafile: true,
    logLevel: 'warning',
  });
  fs.writeFileSync(metafile, JSON.stringify(result.metafile));
}

process.argv = [process.argv[0], outfile, ...args];
require(outfile);
