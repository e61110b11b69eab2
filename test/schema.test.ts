import { shippedEnvironments } from './environment-helpers';

/**
 * Every synthesized object validated against the Kubernetes and CRD schemas shipped by npm packages
 * (kubernetes-models), so `npm test` needs nothing outside the repository. These validators check types,
 * required fields and enums but accept unknown fields; `npm run verify` adds the strict check against the
 * official Kubernetes 1.28 definitions and the upstream CRDs.
 */

/** npm model packages for custom resource groups. */
const CRD_MODEL_PACKAGES: Record<string, string> = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/**
 * Custom resource groups without an npm model package used here (Chaos Mesh, KEDA; Argo CD and Argo Rollouts
 * v1.9); `npm run verify` validates them strictly against their CRDs.
 */
const VERIFIED_BY_CRD_ONLY = new Set(['chaos-mesh.org', 'keda.sh', 'argoproj.io']);

type Model = new (data: unknown) => { validate(): void };

function modelFor(apiVersion: string, kind: string): Model {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const modulePath = group === ''
    ? `kubernetes-models/${version}/${kind}`
    : CRD_MODEL_PACKAGES[group] !== undefined
      ? `${CRD_MODEL_PACKAGES[group]}/${group}/${version}/${kind}`
      : `kubernetes-models/${group}/${version}/${kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as Record<string, Model>;
  return mod[kind];
}

describe.each(shippedEnvironments())('%s objects', (_name, objects) => {
  test.each(objects.filter((o) => !VERIFIED_BY_CRD_ONLY.has(o.apiVersion.split('/')[0])).map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))('%s validates against its schema', (_label, obj) => {
    const Model = modelFor(obj.apiVersion, obj.kind);
    expect(() => new Model(obj).validate()).not.toThrow();
  });
});

describe('the schema check itself', () => {
  test('rejects a wrongly typed field', () => {
    const Model = modelFor('apps/v1', 'Deployment');
    expect(() => new Model({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'three', selector: {}, template: {} } }).validate()).toThrow();
  });

  test('rejects a Certificate without its required fields', () => {
    const Model = modelFor('cert-manager.io/v1', 'Certificate');
    expect(() => new Model({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' }, spec: { dnsNames: ['a'] } }).validate()).toThrow();
  });
});
