/**
 * The pre-deploy check of an environment, generated from its construct tree: what the platform's hand-written
 * `validate-production-config.sh` checks (cluster context, namespaces, Secrets and their keys, ConfigMaps,
 * PVCs, TLS), taken from the rendered manifests so it cannot fall behind them.
 *
 * {@link buildPreflight} returns the contract (a list of checks, written as JSON) and a bash script that runs
 * exactly those checks with kubectl (`KUBECTL` overrides the binary) and exits 1 when an error-level check
 * fails. Warnings cover what the first sync creates (rendered ConfigMaps, PVCs, certificates).
 */
import { ManifestFile } from '../render/manifest-writer';
import { ClusterExpectation, ClusterRequirement } from '../core/cluster-requirements';
import { SecretReference } from '../core/secret-references';

/** How a check judges kubectl's answer. */
export type PreflightExpectation = ClusterExpectation;

/** One check: a kubectl call and what its answer must be. */
export type PreflightCheck = ClusterRequirement;

/** An environment's preflight contract (`preflight.json`). */
export interface PreflightContract {
  readonly environment: string;
  /** kubectl context the checks must run against. */
  readonly context: string;
  readonly checks: readonly PreflightCheck[];
}

/** What {@link buildPreflight} reads. */
export interface PreflightInput {
  /** Environment name. */
  readonly environment: string;
  /** Expected kubectl context (the cluster's name). */
  readonly context: string;
  /** The environment's rendered manifests. */
  readonly files: readonly ManifestFile[];
  /** Every Secret and key they reference (`SecretReferences.of(root).list()`). */
  readonly secrets: readonly SecretReference[];

  /**
   * What components installed outside the manifests must provide (`ClusterRequirements.of(root).list()`),
   * checked after everything the manifests themselves need.
   *
   * @default - none
   */
  readonly requirements?: readonly ClusterRequirement[];
}

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown>; [key: string]: unknown };

const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PersistentVolume', 'CustomResourceDefinition', 'PriorityClass', 'IngressClass']);

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Pod specs of every workload (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
function podSpecs(objects: readonly Obj[]): Array<{ namespace: string; spec: Record<string, unknown> }> {
  const out: Array<{ namespace: string; spec: Record<string, unknown> }> = [];
  for (const o of objects) {
    const spec = o.spec as { template?: { spec?: Record<string, unknown> }; jobTemplate?: { spec?: { template?: { spec?: Record<string, unknown> } } } } | undefined;
    const pod = o.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template?.spec : spec?.template?.spec;
    if (pod !== undefined && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(String(o.kind))) {
      out.push({ namespace: o.metadata?.namespace ?? 'default', spec: pod });
    }
  }
  return out;
}

/** ConfigMaps pods read: `namespace/name` -> optional (every reference optional). */
function referencedConfigMaps(objects: readonly Obj[]): Map<string, boolean> {
  const refs = new Map<string, boolean>();
  const add = (namespace: string, name: string | undefined, optional: boolean | undefined) => {
    if (name !== undefined) {
      const key = `${namespace}/${name}`;
      refs.set(key, (refs.get(key) ?? true) && optional === true);
    }
  };
  type Container = { envFrom?: Array<{ configMapRef?: { name?: string; optional?: boolean } }>; env?: Array<{ valueFrom?: { configMapKeyRef?: { name?: string; optional?: boolean } } }> };
  for (const { namespace, spec } of podSpecs(objects)) {
    const containers = [...((spec.containers ?? []) as Container[]), ...((spec.initContainers ?? []) as Container[])];
    for (const c of containers) {
      c.envFrom?.forEach((e) => add(namespace, e.configMapRef?.name, e.configMapRef?.optional));
      c.env?.forEach((e) => add(namespace, e.valueFrom?.configMapKeyRef?.name, e.valueFrom?.configMapKeyRef?.optional));
    }
    for (const v of (spec.volumes ?? []) as Array<{ configMap?: { name?: string; optional?: boolean }; projected?: { sources?: Array<{ configMap?: { name?: string; optional?: boolean } }> } }>) {
      add(namespace, v.configMap?.name, v.configMap?.optional);
      v.projected?.sources?.forEach((s) => add(namespace, s.configMap?.name, s.configMap?.optional));
    }
  }
  return refs;
}

/** Builds the contract from an environment's rendered manifests and Secret references. */
export function buildPreflight(input: PreflightInput): PreflightContract {
  const objects = input.files.flatMap((f) => f.objects) as Obj[];
  const name = (o: Obj) => o.metadata?.name ?? '';
  const ns = (o: Obj) => o.metadata?.namespace ?? 'default';
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const checks: PreflightCheck[] = [];

  checks.push({ severity: 'error', description: `kubectl context is ${input.context}`, args: ['config', 'current-context'], expect: { type: 'equals', value: input.context } });

  const rendered = new Set(of('Namespace').map(name));
  const namespaces = sorted([
    ...objects.filter((o) => !CLUSTER_SCOPED.has(String(o.kind)) && o.metadata?.namespace !== undefined).map(ns),
    ...input.secrets.map((s) => s.namespace),
  ]);
  for (const n of namespaces) {
    // Secrets are created before the first sync, so their namespaces must exist even when we render them.
    const needed = !rendered.has(n) || input.secrets.some((s) => s.namespace === n);
    checks.push({ severity: needed ? 'error' : 'warning', description: `Namespace ${n} exists`, args: ['get', 'namespace', n], expect: { type: 'succeeds' } });
  }

  for (const s of input.secrets) {
    const args = ['get', 'secret', s.name, '-n', s.namespace, '-o', 'go-template={{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}'];
    const keys = s.keys.length === 0 ? '' : ` with keys ${s.keys.join(', ')}`;
    checks.push({ severity: 'error', description: `Secret ${s.namespace}/${s.name} exists${keys}`, args, expect: { type: 'lists', values: s.keys } });
  }

  const renderedConfigMaps = new Set(of('ConfigMap').map((o) => `${ns(o)}/${name(o)}`));
  for (const [key, optional] of [...referencedConfigMaps(objects)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (optional && !renderedConfigMaps.has(key)) {
      continue;
    }
    const [n, cm] = key.split('/');
    // A rendered ConfigMap appears with the first sync; one we only reference must be there before it.
    checks.push({ severity: renderedConfigMaps.has(key) ? 'warning' : 'error', description: `ConfigMap ${key} exists`, args: ['get', 'configmap', cm, '-n', n], expect: { type: 'succeeds' } });
  }

  const storageClasses = sorted([
    ...of('PersistentVolumeClaim').map((o) => (o.spec as { storageClassName?: string }).storageClassName ?? ''),
    ...of('StatefulSet').flatMap((o) => ((o.spec as { volumeClaimTemplates?: Array<{ spec?: { storageClassName?: string } }> }).volumeClaimTemplates ?? []).map((t) => t.spec?.storageClassName ?? '')),
  ].filter((s) => s !== ''));
  for (const sc of storageClasses) {
    checks.push({ severity: 'error', description: `StorageClass ${sc} exists`, args: ['get', 'storageclass', sc], expect: { type: 'succeeds' } });
  }
  for (const pvc of of('PersistentVolumeClaim')) {
    checks.push({ severity: 'warning', description: `PVC ${ns(pvc)}/${name(pvc)} is Bound`, args: ['get', 'pvc', name(pvc), '-n', ns(pvc), '-o', 'jsonpath={.status.phase}'], expect: { type: 'equals', value: 'Bound' } });
  }

  const apiVersions = sorted(objects.map((o) => String(o.apiVersion)).filter((v) => v.includes('/') && !BUILT_IN_GROUPS.has(v.split('/')[0])));
  for (const v of apiVersions) {
    const kinds = sorted(objects.filter((o) => o.apiVersion === v).map((o) => String(o.kind)));
    checks.push({ severity: 'error', description: `CRDs serve ${v} (${kinds.join(', ')})`, args: ['api-versions'], expect: { type: 'lists', values: [v] } });
  }

  for (const cert of of('Certificate')) {
    const ref = (cert.spec as { issuerRef?: { name?: string; kind?: string } }).issuerRef ?? {};
    const issuerKind = ref.kind ?? 'Issuer';
    const issuerArgs = issuerKind === 'ClusterIssuer' ? ['get', 'clusterissuer', ref.name ?? ''] : ['get', 'issuer', ref.name ?? '', '-n', ns(cert)];
    checks.push({ severity: 'error', description: `${issuerKind} ${ref.name} of Certificate ${ns(cert)}/${name(cert)} exists`, args: issuerArgs, expect: { type: 'succeeds' } });
    checks.push({
      severity: 'warning', description: `Certificate ${ns(cert)}/${name(cert)} is Ready`,
      args: ['get', 'certificate', name(cert), '-n', ns(cert), '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], expect: { type: 'equals', value: 'True' },
    });
  }
  checks.push(...(input.requirements ?? []));
  return { environment: input.environment, context: input.context, checks };
}

/** Single-quotes a word for bash. */
function sq(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** The bash script that runs the contract's checks. */
export function renderPreflightScript(contract: PreflightContract): string {
  const lines = contract.checks.map((c) => {
    const args = c.args.map(sq).join(' ');
    switch (c.expect.type) {
      case 'succeeds':
        return `check_succeeds ${c.severity} ${sq(c.description)} ${args}`;
      case 'equals':
        return `check_equals ${c.severity} ${sq(c.description)} ${sq(c.expect.value)} ${args}`;
      case 'contains':
        return `check_contains ${c.severity} ${sq(c.description)} ${sq(c.expect.values.join(' '))} ${args}`;
      default:
        return `check_lists ${c.severity} ${sq(c.description)} ${sq(c.expect.values.join(' '))} ${args}`;
    }
  });
  return `#!/usr/bin/env bash
# Preflight of environment ${contract.environment}, generated by \`npm run preflight -- ${contract.environment}\` from the
# construct tree (do not edit; regenerate). Checks, read-only, what the manifests rely on before a deploy.
# Exit code: 0 every error-level check passed, 1 otherwise. KUBECTL overrides the kubectl binary.
# kubectl's go-templates and jsonpaths below are literal arguments, so single quotes are meant:
# shellcheck disable=SC2016
set -uo pipefail

KUBECTL="\${KUBECTL:-kubectl}"
failures=0
warnings=0

pass() { printf 'ok    %s\\n' "$1"; }

report() {
  if [ "$1" = error ]; then
    failures=$((failures + 1))
    printf 'FAIL  %s\\n' "$2"
  else
    warnings=$((warnings + 1))
    printf 'WARN  %s\\n' "$2"
  fi
}

# check_succeeds SEVERITY DESCRIPTION KUBECTL-ARGS...
check_succeeds() {
  local severity=$1 description=$2
  shift 2
  if "$KUBECTL" "$@" >/dev/null 2>&1; then pass "$description"; else report "$severity" "$description: not found"; fi
}

# check_equals SEVERITY DESCRIPTION EXPECTED KUBECTL-ARGS...
check_equals() {
  local severity=$1 description=$2 expected=$3 actual
  shift 3
  actual=$("$KUBECTL" "$@" 2>/dev/null) || actual=''
  if [ "$actual" = "$expected" ]; then pass "$description"; else report "$severity" "$description: got '$actual'"; fi
}

# check_lists SEVERITY DESCRIPTION "WORD..." KUBECTL-ARGS...: the output has each word as a whole line
check_lists() {
  local severity=$1 description=$2 words=$3 output word missing='' newline=$'\\n'
  shift 3
  if ! output=$("$KUBECTL" "$@" 2>/dev/null); then
    report "$severity" "$description: not found"
    return
  fi
  # A pattern match, not printf | grep -q: under pipefail, grep leaving at the first match can make printf
  # die of SIGPIPE on a long output (every CRD of a cluster), and the word would be reported missing.
  for word in $words; do
    case "$newline$output$newline" in
      *"$newline$word$newline"*) ;;
      *) missing="$missing $word" ;;
    esac
  done
  if [ -z "$missing" ]; then pass "$description"; else report "$severity" "$description: missing$missing"; fi
}

# check_contains SEVERITY DESCRIPTION "WORD..." KUBECTL-ARGS...: each word occurs somewhere in the output
check_contains() {
  local severity=$1 description=$2 words=$3 output word missing=''
  shift 3
  if ! output=$("$KUBECTL" "$@" 2>/dev/null); then
    report "$severity" "$description: not found"
    return
  fi
  for word in $words; do
    case "$output" in
      *"$word"*) ;;
      *) missing="$missing $word" ;;
    esac
  done
  if [ -z "$missing" ]; then pass "$description"; else report "$severity" "$description: missing$missing"; fi
}

${lines.join('\n')}

printf '\\n%s: %d failed, %d warning(s), %d checks\\n' ${sq(contract.environment)} "$failures" "$warnings" ${contract.checks.length}
[ "$failures" -eq 0 ]
`;
}
