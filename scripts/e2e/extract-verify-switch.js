// Writes what the verified-switch end-to-end run needs from dist/: the hook Job's script (script.sh), its
// environment (env.sh, one `export NAME='value'` per variable) and the release-health recording rule
// groups (rules.yaml, every release-health group of the alerting manifest's rule files, in one file). Usage: node extract-verify-switch.js DIST_ENV_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const [envDir, out] = process.argv.slice(2);
const docs = (file) => YAML.parseAllDocuments(fs.readFileSync(path.join(envDir, file), 'utf8')).map((d) => d.toJS()).filter(Boolean);
const job = docs('delivery.k8s.yaml').find((o) => o.kind === 'Job' && /-verify-switch$/.test(o.metadata.name));
if (!job) {
  throw new Error(`no verify-switch Job in ${envDir}/delivery.k8s.yaml`);
}
const container = job.spec.template.spec.containers[0];
fs.writeFileSync(path.join(out, 'script.sh'), container.command[2]);
const quote = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
fs.writeFileSync(path.join(out, 'env.sh'), container.env.map((e) => `export ${e.name}=${quote(e.value)}`).join('\n') + '\n');
const groups = docs('alerting.k8s.yaml').flatMap((o) => {
  if (o.kind === 'ConfigMap' && o.data) {
    return Object.entries(o.data).filter(([k]) => k.startsWith('release-health-')).flatMap(([, v]) => YAML.parse(v).groups);
  }
  if (o.kind === 'PrometheusRule') {
    return o.spec.groups.filter((g) => g.name.startsWith('release-health-'));
  }
  return [];
});
if (groups.length === 0) {
  throw new Error(`no release-health rule group in ${envDir}/alerting.k8s.yaml`);
}
fs.writeFileSync(path.join(out, 'rules.yaml'), YAML.stringify({ groups }));
