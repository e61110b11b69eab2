#!/usr/bin/env node
/**
 * Runs a TypeScript entry point as one esbuild bundle, rebuilding the bundle only when a source changed.
 *
 * Usage: node scripts/run-bundled.js <entry.ts> [args...]
 *
 * Start-up is most of a small synth, so the runner keeps it short:
 * - the bundle (build/run/<name>.js) holds the entry and everything it imports, dependencies included:
 *   one file to read and no module resolution at run time;
 * - the bundle is compiled through a V8 code cache (build/run/<name>.cache, written after the first
 *   run of each bundle, with the functions that run compiled), so later runs skip parsing and compiling;
 * - esbuild's metafile (build/run/<name>.meta.json) lists every bundled source; the bundle is reused
 *   while the SHA-256 of their contents (with this runner, the entry and package-lock.json) equals the one
 *   recorded when it was built (build/run/<name>.hash). Modification times are not trusted: `cp -p`,
 *   `rsync -a`, `tar` and some editors give an edited file an older one.
 * Files are written to a temporary name and renamed, so concurrent runs never read half a file; a cache
 * V8 rejects (another Node version, a damaged file) is simply rewritten.
 * Type checking is not done here: `npm run lint` and `npm run build` do it once, and CI runs both.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const root = path.resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write('usage: node scripts/run-bundled.js <entry.ts> [args...]\n');
  process.exit(2);
}
const name = path.basename(entry, path.extname(entry));
const outfile = path.join(root, 'build', 'run', `${name}.js`);
const metafile = path.join(root, 'build', 'run', `${name}.meta.json`);
const cachefile = path.join(root, 'build', 'run', `${name}.cache`);
const hashfile = path.join(root, 'build', 'run', `${name}.hash`);

/** SHA-256 over the runner, the entry, the lock file and every bundled source, by path and content. */
function inputsHash(inputs) {
  const hash = require('crypto').createHash('sha256');
  for (const file of [__filename, 'package-lock.json', ...inputs]) {
    hash.update(`${file}\0`);
    // A copy of the sources without a lock file (tests run on such copies) hashes it as absent.
    const optional = file === 'package-lock.json' && !fs.existsSync(path.resolve(root, file));
    hash.update(optional ? '(absent)' : fs.readFileSync(path.resolve(root, file)));
    hash.update('\0');
  }
  return `${entry}\n${hash.digest('hex')}`;
}

function isFresh() {
  try {
    const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, 'utf8')).inputs);
    return inputs.length > 0 && fs.existsSync(outfile) && fs.readFileSync(hashfile, 'utf8') === inputsHash(inputs);
  } catch {
    return false;
  }
}

/** Writes `file` through a temporary sibling and a rename: readers see the old or the new file, whole. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

if (!isFresh()) {
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  fs.rmSync(cachefile, { force: true });
  writeAtomically(outfile, result.outputFiles[0].contents);
  writeAtomically(metafile, JSON.stringify(result.metafile));
  // Recorded last: a run killed before this point rebuilds next time.
  writeAtomically(hashfile, inputsHash(Object.keys(result.metafile.inputs)));
}

let cachedData;
try {
  cachedData = fs.readFileSync(cachefile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(fs.readFileSync(outfile, 'utf8')), { filename: outfile, cachedData });
if (cachedData === undefined || script.cachedDataRejected === true) {
  // Written at exit so the cache also holds the functions compiled while the entry ran.
  process.on('exit', () => {
    try {
      writeAtomically(cachefile, script.createCachedData());
    } catch {
      // A cache that cannot be written only costs the next run its compile time.
    }
  });
}

const bundle = new Module(outfile, module);
bundle.filename = outfile;
process.argv = [process.argv[0], outfile, ...args];
script.runInThisContext()
  .call(bundle.exports, bundle.exports, Module.createRequire(outfile), bundle, outfile, path.dirname(outfile));
