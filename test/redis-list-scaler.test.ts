import * as kplus from 'cdk8s-plus-28';
import { Chart } from 'cdk8s';
import { RedisListScaler, RedisListScalerProps } from '../lib/workers/redis-list-scaler';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

function props(chart: Chart, overrides: Partial<RedisListScalerProps> = {}): RedisListScalerProps {
  const target = new kplus.Deployment(chart, 'Worker', { metadata: { name: 'worker' }, select: true });
  target.addContainer({ name: 'worker', image: 'ghcr.io/acme/worker:v1.0.0', resources: { cpu: { request: SMALL_RESOURCES.cpuRequest } } });
  return {
    name: 'worker', target, minReplicas: 1, maxReplicas: 4, itemsPerReplica: 20,
    lists: [{ name: 'emails', key: 'jobs:emails' }], address: 'redis.jobs.svc:6379',
    password: { secret: kplus.Secret.fromSecretName(chart, 'Redis', 'redis-auth'), key: 'pw' },
    ...overrides,
  };
}

describe('RedisListScaler', () => {
  test('one list: a redis trigger at itemsPerReplica with the password from its Secret, no formula; the target loses replicas', () => {
    const chart = testChart();
    new RedisListScaler(chart, 'Scaler', props(chart, { databaseIndex: 2 }));
    const objects = synthChart(chart);
    const scaled = findObject(objects, 'ScaledObject', 'worker');
    expect(scaled.spec.triggers).toEqual([{
      type: 'redis', name: 'emails', metricType: 'AverageValue', authenticationRef: { name: 'worker' },
      metadata: { address: 'redis.jobs.svc:6379', listName: 'jobs:emails', listLength: '20', databaseIndex: '2' },
    }]);
    expect(scaled.spec.advanced).toBeUndefined();
    expect(findObject(objects, 'TriggerAuthentication', 'worker').spec.secretTargetRef).toEqual([{ parameter: 'password', name: 'redis-auth', key: 'pw' }]);
    expect(findObject(objects, 'Deployment', 'worker').spec.replicas).toBeUndefined();
  });

  const cases: Array<[string, Partial<RedisListScalerProps>, string]> = [
    ['no lists', { lists: [] }, '[test/Scaler] lists: needs at least one list to measure'],
    ['a trigger name the formula cannot use', { lists: [{ name: 'E-mails', key: 'k' }] }, '[test/Scaler] lists[0].name: must be lower-case letters, digits and \'_\', starting with a letter, got "E-mails"'],
    ['a key with a comma', { lists: [{ name: 'a', key: 'a,b' }] }, '[test/Scaler] lists[0].key: must be a Redis key without spaces, \',\', \'=\' or \'%\', got "a,b"'],
    ['a repeated trigger name', { lists: [{ name: 'a', key: 'x' }, { name: 'a', key: 'y' }] }, '[test/Scaler] lists: must not repeat a trigger name, got ["a","a"]'],
    ['an address without a port', { address: 'redis' }, '[test/Scaler] address: must be host:port, got "redis"'],
    ['zero items per replica', { itemsPerReplica: 0 }, '[test/Scaler] itemsPerReplica: must be an integer of at least 1, got 0'],
  ];
  test.each(cases)('rejects %s', (_what, overrides, message) => {
    const chart = testChart();
    expect(() => new RedisListScaler(chart, 'Scaler', props(chart, overrides))).toThrow(message);
  });

  test('rejects a target that already has an autoscaler', () => {
    const chart = testChart();
    const p = props(chart);
    new RedisListScaler(chart, 'First', p);
    expect(() => new RedisListScaler(chart, 'Second', { ...p, name: 'second' })).toThrow('[test/Second] target: Deployment "worker" already has an autoscaler; two would fight over its pod count');
  });
});
