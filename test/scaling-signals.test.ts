import * as YAML from 'yaml';
import { ENVIRONMENTS } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, findObject, nonEmpty, ofKind } from './helpers';

/** A KEDA trigger as rendered. */
type Trigger = { type: string; name: string; metadata: Record<string, string>; authenticationRef: { name: string } };

/**
 * What the autoscalers of each shipped environment read is produced by something the environment renders:
 * the worker's KEDA triggers read the Redis lists the exporter reports (the series QueueBacklog alerts on),
 * and every HPA scales only on resource metrics (metrics-server) — no custom or external metric nothing serves.
 */

/** `db0=key,...` of the Redis exporter, as [db, key] pairs. */
function exporterKeys(objects: K8sObject[]): Array<[string, string]> {
  const env = findObject(objects, 'Deployment', 'redis-exporter').spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
  const value = env.find((e) => e.name === 'REDIS_EXPORTER_CHECK_SINGLE_KEYS')?.value ?? '';
  return value.split(',').filter((s) => s !== '').map((pair) => pair.split('=') as [string, string]);
}

/** Every alerting rule rendered, from the standalone rule files or the operator's PrometheusRule. */
function alertRules(objects: K8sObject[]): Array<{ alert?: string; expr: string }> {
  const groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> = [];
  for (const cm of ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name === 'prometheus-rules')) {
    for (const text of Object.values(cm.data as Record<string, string>)) {
      groups.push(...(YAML.parse(text).groups ?? []));
    }
  }
  for (const rule of ofKind(objects, 'PrometheusRule')) {
    groups.push(...rule.spec.groups);
  }
  return groups.flatMap((g) => g.rules);
}

const environments = shippedEnvironments();

// KEDA scales the workers where they scale on queue length; dev runs one fixed worker.
describe.each(environments.filter(([name]) => ENVIRONMENTS[name].workers.autoscaling?.metric === 'queueLength'))('%s queue scaling', (_name, objects) => {
  const scaled = ofKind(objects, 'ScaledObject');

  test('every redis trigger reads a list the Redis exporter reports, in the same database', () => {
    const reported = new Set(exporterKeys(objects).map(([db, key]) => `${db}/${key}`));
    const triggers = nonEmpty(scaled, 'ScaledObject').flatMap((s) => s.spec.triggers as Trigger[]).filter((t) => t.type === 'redis');
    for (const t of nonEmpty(triggers, 'redis trigger')) {
      expect(reported).toContain(`db${t.metadata.databaseIndex}/${t.metadata.listName}`);
    }
    // Environments without queue scaling still export every queue's length for dashboards and QueueBacklog.
    expect(reported.size).toBeGreaterThanOrEqual(triggers.length);
    expect(reported.size).toBeGreaterThan(0);
  });

  test('every ScaledObject targets a rendered Deployment that carries no replicas and has no other autoscaler', () => {
    for (const s of nonEmpty(scaled, 'ScaledObject')) {
      const target = findObject(objects, s.spec.scaleTargetRef.kind, s.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
      expect(ofKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === target.metadata.name)).toEqual([]);
      for (const t of nonEmpty(s.spec.triggers as Trigger[], 'trigger')) {
        expect(findObject(objects, 'TriggerAuthentication', t.authenticationRef.name).spec.secretTargetRef.length).toBeGreaterThan(0);
      }
    }
  });
});

// HPAs exist where the web tier autoscales.
describe.each(environments.filter(([name]) => ENVIRONMENTS[name].web.autoscaling !== undefined))('%s HPAs', (_name, objects) => {
  test('every HPA scales only on resource metrics, which metrics-server serves', () => {
    for (const hpa of nonEmpty(ofKind(objects, 'HorizontalPodAutoscaler'), 'HorizontalPodAutoscaler')) {
      expect((hpa.spec.metrics as K8sObject[]).map((m) => m.type)).toEqual(hpa.spec.metrics.map(() => 'Resource'));
    }
  });
});

describe.each(environments)('%s scaling signals', (_name, objects) => {
  test('QueueBacklog reads the lengths the exporter reports, one series per queue the workers drain', () => {
    const backlog = alertRules(objects).find((r) => r.alert === 'QueueBacklog');
    expect(backlog).toBeDefined();
    expect(backlog!.expr).toContain('redis_key_size{job="redis-exporter"');
    const pattern = /key=~"([^"]+)"/.exec(backlog!.expr)![1].replace(/\\\\/g, '\\');
    const keys = exporterKeys(objects).map(([, key]) => key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(new RegExp(`^(?:${pattern})$`).test(key)).toBe(true);
    }
    const worker = findObject(objects, 'Deployment', 'laravel-worker').spec.template.spec.containers[0].command as string[];
    const drained = worker.find((a) => a.startsWith('--queue='))!.slice('--queue='.length).split(',');
    expect(keys.map((k) => k.slice(k.lastIndexOf(':') + 1))).toEqual(drained);
  });
});
