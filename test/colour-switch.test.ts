import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { DeployedManifests, checkColourSwitches } from '../lib/web/colour-switch';
import { ENVIRONMENTS, EnvironmentConfig, validateEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { synthesize } from '../stacks/synthesize';
import { renderedFiles, withWeb } from './environment-helpers';

/** Deployed manifests of a configuration, as its committed dist/ would hold them (rendered once per configuration). */
function deployed(config: EnvironmentConfig): DeployedManifests {
  return DeployedManifests.fromYaml(renderedFiles(config).map((f) => f.content));
}

function check(next: EnvironmentConfig, previous: DeployedManifests): void {
  const { root } = buildEnvironment(new App(), next);
  checkColourSwitches(root, previous);
}

describe('colour switch guard', () => {
  const smallIdle = withWeb('staging', { liveColour: 'green', idleReplicas: 1 });

  test('allows a first deploy', () => {
    expect(() => check(withWeb('prod', { liveColour: 'green' }), DeployedManifests.fromObjects([]))).not.toThrow();
  });

  test('allows keeping the live colour whatever the idle size', () => {
    expect(() => check(smallIdle, deployed(smallIdle))).not.toThrow();
  });

  test('refuses a switch to a colour deployed below the live minimum', () => {
    expect(() => check(withWeb('staging', { liveColour: 'blue', idleReplicas: 1 }), deployed(smallIdle))).toThrow(
      '[staging/Web/Laravel] liveColour: cannot switch from green to blue: blue is deployed with 1 pod(s), below the live minimum of 2; '
      + 'first raise idleReplicas to at least 2 and deploy that, then switch');
  });

  test('refuses it even when the same change raises the idle size: the larger size must be deployed first', () => {
    expect(() => check(withWeb('staging', { liveColour: 'blue', idleReplicas: 2 }), deployed(smallIdle))).toThrow('cannot switch from green to blue');
  });

  test('allows the switch once the idle colour was deployed at the live minimum, and keeps the old colour up', () => {
    const scaledUp = withWeb('staging', { liveColour: 'green', idleReplicas: 2 });
    const switched = withWeb('staging', { liveColour: 'blue', idleReplicas: 2 });
    expect(() => check(switched, deployed(scaledUp))).not.toThrow();
    const hpas = renderedFiles(switched).flatMap((f) => f.objects).filter((o) => o.kind === 'HorizontalPodAutoscaler') as Array<{ metadata: { name: string }; spec: { minReplicas: number } }>;
    expect(hpas.find((h) => h.metadata.name === 'laravel-green-hpa')!.spec.minReplicas).toBe(2);
  });

  test('reads fixed replicas when there is no HPA', () => {
    const dev = withWeb('dev', { replicas: 2, idleReplicas: 1 });
    expect(() => check(withWeb('dev', { replicas: 2, idleReplicas: 1, liveColour: 'green' }), deployed(dev))).toThrow('green is deployed with 1 pod(s), below the live minimum of 2');
  });

  const prodDeployed = () => deployed(ENVIRONMENTS.prod);
  const inPlace = '[prod/Web/Laravel] blueImageTag: blue serves live traffic (committed output) with v1.2.3; a release must not change it in place, '
    + 'got v1.2.4: release to the idle colour green and switch, or for an emergency declare a hotfix for v1.2.4 (README "Switching the live colour")';

  test('refuses a release that changes the serving colour\'s image in place', () => {
    expect(() => check(withWeb('prod', { blueImageTag: 'v1.2.4' }), prodDeployed())).toThrow(inPlace);
  });

  test('refuses it in the same commit as a switch too: the old colour is the rollback target', () => {
    expect(() => check(withWeb('prod', { blueImageTag: 'v1.2.4', liveColour: 'green' }), prodDeployed())).toThrow('[prod/Web/Laravel] blueImageTag: blue serves live traffic');
  });

  test('allows a new image on the idle colour', () => {
    expect(() => check(withWeb('prod', { greenImageTag: 'v1.4.0' }), prodDeployed())).not.toThrow();
  });

  test('allows the in-place change a hotfix names, and only that one', () => {
    const hotfix = { imageTag: 'v1.2.4', reason: 'INC-1234: checkout fails for EU cards' };
    expect(() => check(withWeb('prod', { blueImageTag: 'v1.2.4', hotfix }), prodDeployed())).not.toThrow();
    expect(() => check(withWeb('prod', { blueImageTag: 'v1.2.5', hotfix }), prodDeployed()))
      .toThrow('got v1.2.5: release to the idle colour green and switch, or for an emergency declare a hotfix for v1.2.5 (README "Switching the live colour"); the declared hotfix allows v1.2.4 only');
  });

  test('rejects a hotfix without a reason', () => {
    const noReason = withWeb('prod', { hotfix: { imageTag: 'v1.2.4', reason: ' ' } });
    expect(() => check(noReason, prodDeployed())).toThrow('[prod/Web/Laravel] hotfix.reason: required, got " "');
    expect(() => validateEnvironment('prod', noReason)).toThrow('[environment prod] web.hotfix.reason: required, got " "');
    expect(() => validateEnvironment('prod', withWeb('prod', { hotfix: { imageTag: 'latest', reason: 'r' } })))
      .toThrow('[environment prod] web.hotfix.imageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "latest"');
  });

  test('synthesize checks the switch against the folder it replaces, and leaves it intact when refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switch-'));
    synthesize({ outdir: dir, names: ['staging'], environments: { staging: smallIdle } });
    const before = fs.readFileSync(path.join(dir, 'staging', 'web.k8s.yaml'), 'utf8');
    expect(() => synthesize({ outdir: dir, names: ['staging'], environments: { staging: withWeb('staging', { liveColour: 'blue', idleReplicas: 1 }) } }))
      .toThrow('[staging/Web/Laravel] liveColour: cannot switch from green to blue');
    expect(fs.readFileSync(path.join(dir, 'staging', 'web.k8s.yaml'), 'utf8')).toBe(before);
  });
});
