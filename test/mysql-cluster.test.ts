import { execFileSync } from 'child_process';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Chart } from 'cdk8s';
import { MysqlCluster, MysqlClusterProps } from '../lib/data/mysql-cluster';
import { SecretReferences } from '../lib/core/secret-references';
import { K8sObject, findObject, ofKind, selects, synthChart, testChart, nonEmpty } from './helpers';

function props(chart: Chart, overrides: Partial<MysqlClusterProps> = {}): MysqlClusterProps {
  const secret = kplus.Secret.fromSecretName(chart, 'MysqlSecret', 'mysql-secret');
  return {
    partOf: 'ecommerce',
    replicas: 2,
    storage: Size.gibibytes(100),
    storageClassName: 'fast-ssd',
    resources: { cpuRequest: kplus.Cpu.millis(1000), cpuLimit: kplus.Cpu.millis(2000), memoryRequest: Size.gibibytes(2), memoryLimit: Size.gibibytes(4) },
    rootPassword: { secret, key: 'root-password' },
    replicationPassword: { secret, key: 'replication-password' },
    ...overrides,
  };
}

function render(overrides: Partial<MysqlClusterProps> = {}): { cluster: MysqlCluster; objects: K8sObject[]; chart: Chart } {
  const chart = testChart();
  const cluster = new MysqlCluster(chart, 'Mysql', props(chart, overrides));
  return { cluster, objects: synthChart(chart), chart };
}

const env = (c: K8sObject) => Object.fromEntries(c.env.map((e: K8sObject) => [e.name, e.value ?? `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));

describe('MysqlCluster', () => {
  const { objects, chart } = render();

  test('renders the seed names: primary, two replicas, headless and load-balanced Services', () => {
    expect(ofKind(objects, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['mysql-primary', 'mysql-replica-1', 'mysql-replica-2']);
    expect(findObject(objects, 'Service', 'mysql-primary').spec.clusterIP).toBe('None');
    expect(findObject(objects, 'Service', 'mysql-primary').spec.selector).toEqual({ app: 'mysql', role: 'primary' });
    expect(findObject(objects, 'Service', 'mysql-replicas').spec.clusterIP).toBeUndefined();
    expect(findObject(objects, 'Service', 'mysql-replicas').spec.selector).toEqual({ app: 'mysql', role: 'replica' });
  });

  test('the primary\'s data is PVC mysql-pvc, 100Gi fast-ssd, mounted by its one pod', () => {
    const pvc = findObject(objects, 'PersistentVolumeClaim', 'mysql-pvc');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', volumeMode: 'Filesystem', resources: { requests: { storage: '100Gi' } } });
    const primary = findObject(objects, 'StatefulSet', 'mysql-primary');
    expect(primary.spec.replicas).toBe(1);
    expect(primary.spec.volumeClaimTemplates).toBeUndefined();
    expect(primary.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'mysql-pvc', readOnly: false } });
    expect(ofKind(objects, 'PersistentVolumeClaim').map((p) => p.metadata.name)).toEqual(['mysql-pvc', 'mysql-replica-1-pvc', 'mysql-replica-2-pvc']);
  });

  test('every StatefulSet\'s serviceName is a headless Service that selects exactly its pods', () => {
    for (const sts of nonEmpty(ofKind(objects, 'StatefulSet'), 'StatefulSet')) {
      const svc = findObject(objects, 'Service', sts.spec.serviceName);
      expect(svc.spec.clusterIP).toBe('None');
      const matched = ofKind(objects, 'StatefulSet').filter((s) => selects(svc.spec.selector, s.spec.template.metadata.labels));
      expect(matched.map((s) => s.metadata.name)).toEqual([sts.metadata.name]);
      expect(selects(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('server-ids are unique: primary 1, replicas 2 and 3, each in its own ConfigMap', () => {
    const ids = ofKind(objects, 'ConfigMap').flatMap((cm) => Object.values(cm.data as Record<string, string>))
      .map((cnf) => /^server-id=(\d+)$/m.exec(cnf)?.[1]).filter((id): id is string => id !== undefined);
    expect(ids).toEqual(['1', '2', '3']);
    const replicaCnf = findObject(objects, 'ConfigMap', 'mysql-replica-2-config').data['replica.cnf'];
    expect(replicaCnf).toContain('read_only=1');
    expect(replicaCnf).toContain('gtid_mode=ON');
    expect(replicaCnf).toContain('innodb_buffer_pool_size=3G');
    expect(findObject(objects, 'ConfigMap', 'mysql-primary-config').data['primary.cnf']).toContain('innodb_buffer_pool_size=2G');
  });

  test('pods are labelled app: mysql with their role, and select the runbook\'s app=mysql', () => {
    expect(findObject(objects, 'StatefulSet', 'mysql-primary').spec.template.metadata.labels).toMatchObject({ app: 'mysql', role: 'primary' });
    expect(findObject(objects, 'StatefulSet', 'mysql-replica-1').spec.template.metadata.labels).toMatchObject({ app: 'mysql', role: 'replica', 'replica-id': '1' });
  });

  test('replicas get the replication init script and point at mysql-primary; credentials come from Secrets', () => {
    const replica = findObject(objects, 'StatefulSet', 'mysql-replica-1').spec.template.spec;
    expect(replica.volumes).toContainEqual({ name: 'init', configMap: { name: 'mysql-init-scripts', defaultMode: 0o555, items: [{ key: 'replica-init.sh', path: '10-replica-init.sh' }] } });
    expect(env(replica.containers[0])).toEqual({
      MYSQL_ROOT_PASSWORD: 'mysql-secret/root-password',
      MYSQL_REPLICATION_USER: 'repl',
      MYSQL_REPLICATION_PASSWORD: 'mysql-secret/replication-password',
      MYSQL_SOURCE_HOST: 'mysql-primary',
      MYSQL_SOURCE_PORT: '3306',
    });
    const primary = findObject(objects, 'StatefulSet', 'mysql-primary').spec.template.spec.containers[0];
    expect(env(primary)).toMatchObject({ MYSQL_DATABASE: 'app' });
    expect(primary.image).toBe('mysql:8.0.39');
    expect(SecretReferences.of(chart).list()).toEqual([
      { namespace: 'ecommerce', name: 'mysql-secret', keys: ['replication-password', 'root-password'], wholeSecret: false, referencedBy: ['test/Mysql'] },
    ]);
  });

  test('the MySQL replica script uses GTID auto-positioning; MariaDB differs only there', () => {
    const mysql = findObject(objects, 'ConfigMap', 'mysql-init-scripts').data['replica-init.sh'];
    expect(mysql).toContain('SOURCE_AUTO_POSITION=1');
    const maria = render({ engine: 'mariadb' });
    const mariaScript = findObject(maria.objects, 'ConfigMap', 'mysql-init-scripts').data['replica-init.sh'];
    expect(mariaScript).toContain('MASTER_USE_GTID=slave_pos');
    expect(findObject(maria.objects, 'StatefulSet', 'mysql-primary').spec.template.spec.containers[0].image).toBe('mariadb:11.4.3');
    const mariaCnf = findObject(maria.objects, 'ConfigMap', 'mysql-replica-1-config').data['replica.cnf'];
    expect(mariaCnf).not.toContain('gtid_mode');
    expect(mariaCnf).toContain('gtid_strict_mode=ON');
  });

  test('restricted pods, probes on the server, preferred anti-affinity on app=mysql, PDB over the replicas', () => {
    const spec = findObject(objects, 'StatefulSet', 'mysql-replica-2').spec.template.spec;
    const c = spec.containers[0];
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 999 });
    expect(c.livenessProbe.exec.command).toEqual(['mysqladmin', 'ping', '--silent']);
    expect(c.readinessProbe.exec.command[2]).toContain('mysql --user=root --execute="SELECT 1"');
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector).toEqual({ matchLabels: { app: 'mysql' } });
    expect(findObject(objects, 'PodDisruptionBudget', 'mysql-replicas-pdb').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'mysql', role: 'replica' } } });
  });

  test('without replicas, mysql-replicas sends reads to the primary and there is no PDB', () => {
    const solo = render({ replicas: 0 }).objects;
    expect(ofKind(solo, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['mysql-primary']);
    expect(findObject(solo, 'Service', 'mysql-replicas').spec.selector).toEqual({ app: 'mysql', role: 'primary' });
    expect(ofKind(solo, 'PodDisruptionBudget')).toEqual([]);
  });

  test('generated scripts pass shellcheck when it is installed (CI runs it in scripts/e2e-replication.sh)', () => {
    const scripts = [objects, render({ engine: 'mariadb' }).objects]
      .flatMap((o) => Object.values(findObject(o, 'ConfigMap', 'mysql-init-scripts').data as Record<string, string>));
    expect(scripts).toHaveLength(4);
    for (const script of nonEmpty(scripts, 'script')) {
      expect(script.startsWith('#!/bin/sh\n')).toBe(true);
      expect(script).toContain('set -eu');
      let available = true;
      try {
        execFileSync('shellcheck', ['--version'], { stdio: 'ignore' });
      } catch {
        available = false;
      }
      if (available) {
        expect(execFileSync('shellcheck', ['--shell=sh', '-'], { input: script, encoding: 'utf8' })).toBe('');
      }
    }
  });

  const P = '[test/Mysql]';
  const cases: Array<[string, Partial<MysqlClusterProps>, string]> = [
    ['a negative replica count', { replicas: -1 }, `${P} replicas: must be an integer from 0 to 9, got -1`],
    ['an unknown engine', { engine: 'postgres' as never }, `${P} engine: must be one of "mysql", "mariadb", got "postgres"`],
    ['a buffer pool at the memory limit', { primaryBufferPool: Size.gibibytes(4) }, `${P} primaryBufferPool: must be below the memory limit (4G), got 4G`],
    ['a bad storage class', { storageClassName: 'Fast_SSD' }, `${P} storageClassName: must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got "Fast_SSD"`],
    ['a bad database name', { database: 'e-commerce' }, `${P} database: must be a database name (letters, digits, _), got "e-commerce"`],
  ];
  test.each(cases)('rejects %s', (_what, overrides, message) => {
    expect(() => render(overrides)).toThrow(message);
  });
});
