/**
 * Runs `promtool check config` on every prometheus.yml in dist/ (the `prometheus.yml` key of any ConfigMap).
 *
 * Each configuration is written to a temporary folder and checked there. Two adaptations make that possible
 * outside a pod, and both are reported:
 * - files that exist only inside the pod (the service account's token and CA) are replaced by empty
 *   stand-ins in the temporary folder, because promtool checks that referenced files exist;
 * - when the installed promtool was built without Kubernetes service discovery (Debian builds it out, as it
 *   does not package client-go), each `kubernetes_sd_configs` block is checked here against the fields and
 *   roles Prometheus documents, then replaced by an equivalent `file_sd_configs` block, so promtool still
 *   checks everything else of the job (relabelling, TLS, authorization, paths).
 *
 * Usage: npm run verify:prometheus [-- <dist folder>]    (needs promtool on PATH, or PROMTOOL)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

type Json = { [key: string]: unknown };

const root = path.resolve(__dirname, '..', '..');
const distDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const promtool = process.env.PROMTOOL ?? 'promtool';

/** Fields and roles of `kubernetes_sd_config`. @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#kubernetes_sd_config */
const K8S_SD_FIELDS = new Set(['api_server', 'role', 'kubeconfig_file', 'namespaces', 'selectors', 'attach_metadata',
  'basic_auth', 'authorization', 'oauth2', 'tls_config', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'follow_redirects', 'enable_http2']);
const K8S_SD_ROLES = new Set(['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress']);
const FILE_FIELDS = new Set(['ca_file', 'cert_file', 'key_file', 'credentials_file', 'bearer_token_file', 'password_file']);

function run(args: string[]): { status: number; output: string } {
  const result = spawnSync(promtool, args, { encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error(`cannot run ${promtool}: ${result.error.message} (install Debian's prometheus package, or set PROMTOOL)`);
  }
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}`.trim() };
}

/** Whether this promtool knows `kubernetes_sd_configs`. */
function supportsKubernetesSd(dir: string): boolean {
  const probe = path.join(dir, 'probe.yml');
  fs.writeFileSync(probe, 'scrape_configs:\n  - job_name: probe\n    kubernetes_sd_configs:\n      - role: pod\n');
  return run(['check', 'config', probe]).status === 0;
}

function checkKubernetesSd(job: string, sd: Json): string[] {
  const problems = Object.keys(sd).filter((k) => !K8S_SD_FIELDS.has(k)).map((k) => `job ${job}: kubernetes_sd_configs: unknown field ${k}`);
  if (typeof sd.role !== 'string' || !K8S_SD_ROLES.has(sd.role)) {
    problems.push(`job ${job}: kubernetes_sd_configs.role must be one of ${[...K8S_SD_ROLES].join(', ')}, got ${JSON.stringify(sd.role)}`);
  }
  const ns = sd.namespaces as Json | undefined;
  if (ns !== undefined && (!Array.isArray(ns.names) || ns.names.some((n) => typeof n !== 'string') || Object.keys(ns).some((k) => !['names', 'own_namespace'].includes(k)))) {
    problems.push(`job ${job}: kubernetes_sd_configs.namespaces must be { names: [string...] }`);
  }
  return problems;
}

/** Replaces in-pod file paths by stand-ins under `dir`, recursively, in place. */
function standInFiles(value: unknown, dir: string, replaced: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => standInFiles(v, dir, replaced));
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Json;
    for (const [key, v] of Object.entries(obj)) {
      if (FILE_FIELDS.has(key) && typeof v === 'string') {
        const standIn = path.join(dir, 'files', v.replace(/^\/+/, '').replace(/\//g, '_'));
        fs.mkdirSync(path.dirname(standIn), { recursive: true });
        fs.writeFileSync(standIn, '');
        obj[key] = standIn;
        replaced.add(v);
      } else {
        standInFiles(v, dir, replaced);
      }
    }
  }
}

function findConfigs(): Array<{ where: string; text: string }> {
  const found: Array<{ where: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.k8s.yaml')) {
        for (const doc of YAML.parseAllDocuments(fs.readFileSync(full, 'utf8'))) {
          const obj = doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> } | null;
          if (obj?.kind === 'ConfigMap' && typeof obj.data?.['prometheus.yml'] === 'string') {
            found.push({ where: `${path.relative(root, full)}: ConfigMap/${obj.metadata?.name}`, text: obj.data['prometheus.yml'] });
          }
        }
      }
    }
  };
  walk(distDir);
  return found;
}

function main(): number {
  const configs = findConfigs();
  if (configs.length === 0) {
    process.stderr.write(`verify-prometheus: no prometheus.yml found in ${distDir}\n`);
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-prometheus-'));
  try {
    const version = run(['--version']).output.split('\n')[0];
    const nativeSd = supportsKubernetesSd(tmp);
    if (!nativeSd) {
      process.stdout.write(`verify-prometheus: ${version} has no Kubernetes service discovery; kubernetes_sd_configs are checked here and stood in for by file_sd_configs\n`);
    }
    const failures: string[] = [];
    configs.forEach((c, i) => {
      const dir = path.join(tmp, String(i));
      fs.mkdirSync(dir, { recursive: true });
      const config = YAML.parse(c.text) as Json;
      const replaced = new Set<string>();
      standInFiles(config, dir, replaced);
      if (!nativeSd) {
        for (const job of (config.scrape_configs ?? []) as Json[]) {
          const sds = job.kubernetes_sd_configs as Json[] | undefined;
          if (sds !== undefined) {
            sds.forEach((sd) => failures.push(...checkKubernetesSd(String(job.job_name), sd).map((p) => `${c.where}: ${p}`)));
            const targets = path.join(dir, `${String(job.job_name)}-targets.json`);
            fs.writeFileSync(targets, '[]\n');
            delete job.kubernetes_sd_configs;
            job.file_sd_configs = [{ files: [targets] }];
          }
        }
      }
      const file = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(file, YAML.stringify(config));
      const result = run(['check', 'config', file]);
      if (result.status !== 0) {
        failures.push(`${c.where}: promtool check config failed:\n    ${result.output.replace(/\n/g, '\n    ')}`);
      } else {
        const jobs = ((config.scrape_configs ?? []) as Json[]).length;
        const note = replaced.size > 0 ? `; in-pod files stood in: ${[...replaced].sort().join(', ')}` : '';
        process.stdout.write(`verify-prometheus: ${c.where}: promtool check config passed (${jobs} scrape jobs${note})\n`);
      }
    });
    if (failures.length > 0) {
      process.stderr.write(`verify-prometheus: ${failures.length} failure(s):\n  ${failures.join('\n  ')}\n`);
      return 1;
    }
    process.stdout.write(`verify-prometheus: ${configs.length} prometheus.yml file(s) valid\n`);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main();
