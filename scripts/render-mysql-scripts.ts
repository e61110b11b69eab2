/**
 * Writes the MySQL cluster's generated server configuration and init scripts to files, per engine, for the
 * CI replication test and shellcheck: `<outdir>/<engine>/{primary.cnf,replica-1.cnf,replica-2.cnf,primary-init.sh,replica-init.sh}`.
 *
 * Usage: node build/scripts/render-mysql-scripts.js <outdir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MYSQL_ENGINES, MysqlCluster } from '../lib/data/mysql-cluster';

const outdir = process.argv[2];
if (outdir === undefined) {
  process.stderr.write('usage: render-mysql-scripts <outdir>\n');
  process.exit(2);
}
for (const engine of MYSQL_ENGINES) {
  const chart = new Chart(new App(), 'replication-test', { namespace: 'ecommerce', disableResourceNameHashes: true });
  const secret = kplus.Secret.fromSecretName(chart, 'MysqlSecret', 'mysql-secret');
  const cluster = new MysqlCluster(chart, 'Mysql', {
    partOf: 'ecommerce',
    engine,
    replicas: 2,
    storage: Size.gibibytes(1),
    storageClassName: 'standard',
    resources: { cpuRequest: kplus.Cpu.millis(100), cpuLimit: kplus.Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
    // Small enough for a CI machine.
    primaryBufferPool: Size.mebibytes(64),
    replicaBufferPool: Size.mebibytes(64),
    rootPassword: { secret, key: 'root-password' },
    replicationPassword: { secret, key: 'replication-password' },
  });
  const dir = path.join(outdir, engine);
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'primary.cnf': cluster.primary.config.data['primary.cnf'],
    'primary-init.sh': cluster.initScripts.data['primary-init.sh'],
    'replica-init.sh': cluster.initScripts.data['replica-init.sh'],
  };
  cluster.replicas.forEach((r, i) => {
    files[`replica-${i + 1}.cnf`] = r.config.data['replica.cnf'];
  });
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
  }
  process.stdout.write(`${dir}: ${Object.keys(files).sort().join(', ')}\n`);
}
