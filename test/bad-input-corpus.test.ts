import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFoldersAtomically } from '../lib/render/manifest-writer';
import { ENVIRONMENTS } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { main } from '../stacks/synthesize';
import { BAD_INPUTS as CASES, BadInput } from './bad-input-cases';
import { renderedFiles } from './environment-helpers';
import { VALUE_MISTAKES } from './bad-input-values';

const BAD_INPUTS: BadInput[] = [...CASES, ...VALUE_MISTAKES];

/** A previous synth's output: every environment folder with a file whose bytes must survive. */
function previousOutput(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
  for (const env of ['dev', 'staging', 'prod']) {
    fs.mkdirSync(path.join(dir, env));
    fs.writeFileSync(path.join(dir, env, 'web.k8s.yaml'), `previous ${env}\n`);
  }
  return dir;
}

function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort()
    .map((f) => (fs.statSync(path.join(dir, f)).isFile() ? `${f}: ${fs.readFileSync(path.join(dir, f), 'utf8')}` : `${f}/`));
}

/** Runs `c` through the command-line entry point, in process: its exit code and what it printed to stderr. */
function run(c: BadInput, outdir: string): { code: number; stderr: string } {
  const stderr: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr.push(String(chunk)); return true; });
  try {
    const code = main([c.env], outdir, {
      environments: c.config === undefined ? ENVIRONMENTS : { ...ENVIRONMENTS, [c.env]: c.config },
      build: (app, config) => {
        const { root } = buildEnvironment(app, config);
        c.add?.(root, config);
        return root;
      },
    });
    return { code, stderr: stderr.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('bad-input corpus', () => {
  test('holds at least 120 distinct mistakes', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(120);
    expect(new Set(BAD_INPUTS.map((c) => c.what)).size).toBe(BAD_INPUTS.length);
  });

  test.each(BAD_INPUTS.map((c) => [c.what, c] as const))('rejects %s: exit 1, its exact message, nothing written', (_what, c) => {
    const outdir = previousOutput();
    if (c.deployed !== undefined) {
      // What a synth of the deployed configuration wrote (the run's render, for a shipped one).
      writeFoldersAtomically(outdir, new Map([[c.env, renderedFiles(c.deployed)]]));
    }
    const before = tree(outdir);
    const { code, stderr } = run(c, outdir);
    expect(stderr).toBe(`synth failed, ${outdir}/ left unchanged:\n${c.message}\n`);
    expect(code).toBe(1);
    expect(tree(outdir)).toEqual(before);
  });

  test('on the command line, a policy error exits 1 with one readable report, no stack trace, and writes nothing', () => {
    const outdir = previousOutput();
    const before = tree(outdir);
    const secret = BAD_INPUTS.find((c) => c.what === 'a Secret rendered with values')!;
    const stderr: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr.push(String(chunk)); return true; });
    let code: number;
    try {
      code = main(['prod'], outdir, { build: (app, config) => {
        const { root } = buildEnvironment(app, config);
        secret.add!(root, config);
        return root;
      } });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    expect(stderr.join('')).toBe(`synth failed, ${outdir}/ left unchanged:\n${secret.message}\n`);
    expect(tree(outdir)).toEqual(before);
  });
});
