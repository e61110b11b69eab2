import { ENVIRONMENTS } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, findObject, ofKind } from './helpers';

/** The environment variables the web tier and the workers load from ConfigMap `laravel-config`. */
function appSettings(objects: K8sObject[]): Record<string, string> {
  return findObject(objects, 'ConfigMap', 'laravel-config').data;
}

describe.each(shippedEnvironments())('%s read hosts', (name, objects) => {
  const replicas = ofKind(objects, 'StatefulSet').map((s) => s.metadata.name).filter((n) => n.startsWith('mysql-replica-')).sort();

  test('the app\'s env lists every rendered replica Service as a read host, or the primary where there is none', () => {
    expect(replicas.length).toBe(ENVIRONMENTS[name].mysql.replicas);
    const settings = appSettings(objects);
    const expected = replicas.length > 0 ? replicas : ['mysql-primary'];
    expect(settings.DB_READ_HOSTS.split(',')).toEqual(expected);
    const slots = Object.keys(settings).filter((k) => /^DB_READ_HOST_[0-9]+$/.test(k)).sort();
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(new Set(slots.map((k) => settings[k]))).toEqual(new Set(expected));
    for (const host of expected) {
      expect(findObject(objects, 'Service', host).spec.ports.map((p: { port: number }) => p.port)).toContain(3306);
    }
  });

  test('web pods and workers both load those settings', () => {
    const deployments = ['laravel-blue', 'laravel-green', 'laravel-worker', 'laravel-scheduler'].map((d) => findObject(objects, 'Deployment', d));
    for (const d of deployments) {
      const envFrom = d.spec.template.spec.containers[0].envFrom as Array<{ configMapRef?: { name: string } }>;
      expect(envFrom.map((e) => e.configMapRef?.name)).toContain('laravel-config');
    }
  });
});
