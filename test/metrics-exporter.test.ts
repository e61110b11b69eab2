import * as kplus from 'cdk8s-plus-28';
import { renderScrapeConfigs } from '../lib/observability/scrape-targets';
import { MetricsExporter } from '../lib/observability/metrics-exporter';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

describe('MetricsExporter', () => {
  test('redis: port 9121, password from the Secret, and a target for its Service', () => {
    const c = testChart();
    const e = MetricsExporter.redis(c, 'Redis', {
      partOf: 'ecommerce', image: 'oliver006/redis_exporter:v1.62.0', resources: SMALL_RESOURCES, redisAddress: 'redis://redis:6379',
      password: { secret: kplus.Secret.fromSecretName(c, 'S', 'redis-password'), key: 'password' },
    });
    const objects = synthChart(c);
    const container = findObject(objects, 'Deployment', 'redis-exporter').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'REDIS_ADDR', value: 'redis://redis:6379' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'metrics', scheme: 'HTTP' });
    expect(e.target).toEqual({
      kind: 'service', job: 'redis-exporter', namespace: 'ecommerce', serviceName: 'redis-exporter',
      serviceLabels: { 'app.kubernetes.io/name': 'redis-exporter', 'app.kubernetes.io/instance': 'redis-exporter' }, portName: 'metrics', port: 9121,
      metrics: ['redis_'],
    });
  });

  test('mysql: v0.15 flags for address and user, password from the environment', () => {
    const c = testChart();
    MetricsExporter.mysql(c, 'Mysql', {
      partOf: 'ecommerce', image: 'prom/mysqld-exporter:v0.15.1', resources: SMALL_RESOURCES, mysqlAddress: 'mysql-primary:3306', username: 'exporter',
      password: { secret: kplus.Secret.fromSecretName(c, 'S', 'mysql-exporter-credentials'), key: 'password' },
    });
    const container = findObject(synthChart(c), 'Deployment', 'mysql-exporter').spec.template.spec.containers[0];
    expect(container.args).toEqual(['--mysqld.address=mysql-primary:3306', '--mysqld.username=exporter', '--web.listen-address=:9104']);
  });

  test('rejects a variable set both plainly and from a Secret', () => {
    const c = testChart();
    expect(() => new MetricsExporter(c, 'E', {
      name: 'x', partOf: 'p', image: 'x/y:v1.0.0', port: 1, healthPath: '/', resources: SMALL_RESOURCES, runAsUser: 1,
      env: { A: 'a' }, secretEnv: { A: { secret: kplus.Secret.fromSecretName(c, 'S', 's'), key: 'k' } },
    })).toThrow('[test/E] secretEnv.A: is also set in env: give each variable one source');
  });

  test('mysql with replicas: probes the primary and every replica through one job, each its own instance', () => {
    const c = testChart();
    const password = { secret: kplus.Secret.fromSecretName(c, 'S', 'mysql-exporter-credentials'), key: 'password' };
    const e = MetricsExporter.mysql(c, 'Mysql', {
      partOf: 'ecommerce', image: 'prom/mysqld-exporter:v0.15.1', resources: SMALL_RESOURCES, mysqlAddress: 'mysql-primary:3306', username: 'exporter',
      password, replicaAddresses: ['mysql-replica-1:3306', 'mysql-replica-2:3306'],
    });
    expect(e.target.probeTargets).toEqual(['mysql-primary:3306', 'mysql-replica-1:3306', 'mysql-replica-2:3306']);
    const [job] = renderScrapeConfigs([e.target]);
    expect(job).toMatchObject({
      job_name: 'mysql-exporter', metrics_path: '/probe',
      static_configs: [{ targets: ['mysql-primary:3306', 'mysql-replica-1:3306', 'mysql-replica-2:3306'], labels: { namespace: 'ecommerce' } }],
    });
    expect(job.relabel_configs).toContainEqual({ target_label: '__address__', replacement: 'mysql-exporter.ecommerce.svc:9104', action: 'replace' });
    expect(() => MetricsExporter.mysql(c, 'Bad', {
      partOf: 'ecommerce', image: 'prom/mysqld-exporter:v0.15.1', resources: SMALL_RESOURCES, mysqlAddress: 'mysql-primary:3306', username: 'exporter',
      password, replicaAddresses: ['mysql replica'],
    })).toThrow('[test/Bad] replicaAddresses[0]: must be host:port, got "mysql replica"');
  });
});
