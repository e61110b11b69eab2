// Jest transform: TypeScript to CommonJS with esbuild, transpile only. Type checking happens once, in
// `npm run lint` and `npm run build`, so the test suite stays fast as it grows.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'es2022',
      sourcefile: filename,
      sourcemap: 'inline',
    });
    return { code: result.code };
  },
};
