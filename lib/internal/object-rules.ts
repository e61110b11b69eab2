/**
 * Policy rules judged across the synthesized objects of one environment: selectors, targets, replicas
 * and their disruption budgets and spread, Secrets, RBAC, names and labels.
 */
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue } from './checks';
import { Loose, PodTemplate, RawFinding, podTemplateOf } from './pod-rules';

/** One synthesized object, with what the rules need to know about it. */
export interface IndexedObject {
  readonly obj: Loose;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly template?: PodTemplate;
}

/** Index an environment's objects once for the cross-object rules. */
export function indexObjects(objects: readonly Loose[]): IndexedObject[] {
  return objects.map((obj) => ({
    obj,
    kind: String(obj.kind),
    name: String(obj.metadata?.name ?? ''),
    namespace: String(obj.metadata?.namespace ?? 'default'),
    template: podTemplateOf(obj),
  }));
}

/** Whether a label selector (`matchLabels` and `matchExpressions`) selects the labels. */
export function selectorMatches(selector: Loose, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  const matchLabels: Record<string, string> = selector?.matchLabels ?? {};
  if (!Object.entries(matchLabels).every(([k, v]) => l[k] === v)) {
    return false;
  }
  return (Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : []).every((e: Loose) => {
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': return e.key in l && values.includes(l[e.key]);
      case 'NotIn': return !(e.key in l) || !values.includes(l[e.key]);
      case 'Exists': return e.key in l;
      case 'DoesNotExist': return !(e.key in l);
      default: return false;
    }
  });
}

function isEmptySelector(selector: Loose): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

const SELECTING_WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** A workload's selector exists and selects its own pod template. */
export function selectorFindings(o: IndexedObject): RawFinding[] {
  if (!SELECTING_WORKLOADS.has(o.kind) || o.template === undefined) {
    return [];
  }
  const selector = o.obj.spec?.selector;
  if (selector === undefined || isEmptySelector(selector)) {
    return [{ rule: 'selector-matches-template', message: 'has no selector' }];
  }
  return selectorMatches(selector, o.template.metadata.labels) ? []
    : [{ rule: 'selector-matches-template', message: `selector ${JSON.stringify(selector.matchLabels ?? {})} does not match its pod template's labels` }];
}

function templatesIn(all: IndexedObject[], namespace: string): PodTemplate[] {
  return all.filter((o) => o.template !== undefined && o.namespace === namespace).map((o) => o.template!);
}

/** A Service with a selector selects some pod template, and its named target ports exist on those pods. */
export function serviceFindings(o: IndexedObject, all: IndexedObject[]): RawFinding[] {
  const selector: Record<string, string> = o.obj.spec?.selector ?? {};
  if (o.kind !== 'Service' || o.obj.spec?.type === 'ExternalName' || Object.keys(selector).length === 0) {
    return [];
  }
  const selected = templatesIn(all, o.namespace).filter((t) => selectorMatches({ matchLabels: selector }, t.metadata.labels));
  if (selected.length === 0) {
    return [{ rule: 'service-selects-pods', message: `selector ${JSON.stringify(selector)} matches no pod template in namespace ${o.namespace}` }];
  }
  const portNames = new Set(selected.flatMap((t) => (t.spec.containers ?? []).flatMap((c: Loose) => (c.ports ?? []).map((p: Loose) => p.name))));
  return (o.obj.spec?.ports ?? []).filter((p: Loose) => typeof p.targetPort === 'string' && !portNames.has(p.targetPort))
    .map((p: Loose) => ({ rule: 'service-selects-pods', message: `targetPort "${p.targetPort}" is not a named container port of the selected pods` }));
}

/** An HPA's scale target and a PDB's selected pods exist. */
export function targetFindings(o: IndexedObject, all: IndexedObject[]): RawFinding[] {
  if (o.kind === 'HorizontalPodAutoscaler') {
    const ref = o.obj.spec?.scaleTargetRef ?? {};
    const found = all.some((t) => t.kind === ref.kind && t.name === ref.name && t.namespace === o.namespace);
    return found ? [] : [{ rule: 'scale-target-exists', message: `scaleTargetRef ${ref.kind} ${o.namespace}/${ref.name} is not rendered` }];
  }
  if (o.kind === 'PodDisruptionBudget') {
    const selector = o.obj.spec?.selector;
    const found = !isEmptySelector(selector) && templatesIn(all, o.namespace).some((t) => selectorMatches(selector, t.metadata.labels));
    return found ? [] : [{ rule: 'disruption-budget-target', message: `selector ${JSON.stringify(selector ?? {})} matches no pod template in namespace ${o.namespace}` }];
  }
  return [];
}

/** Most pods a Deployment or StatefulSet can run: its replicas, or its autoscaler's maximum. */
function maxReplicas(o: IndexedObject, all: IndexedObject[]): number {
  const hpa = all.find((h) => h.kind === 'HorizontalPodAutoscaler' && h.namespace === o.namespace
    && h.obj.spec?.scaleTargetRef?.kind === o.kind && h.obj.spec?.scaleTargetRef?.name === o.name);
  return Number(hpa?.obj.spec?.maxReplicas ?? o.obj.spec?.replicas ?? 1);
}

const HOSTNAME = 'kubernetes.io/hostname';

/** A workload that can run more than one pod has a PDB and spreads its pods over nodes. */
export function replicaFindings(o: IndexedObject, all: IndexedObject[]): RawFinding[] {
  if ((o.kind !== 'Deployment' && o.kind !== 'StatefulSet') || o.template === undefined) {
    return [];
  }
  const replicas = maxReplicas(o, all);
  if (replicas <= 1) {
    return [];
  }
  const labels = o.template.metadata.labels;
  const out: RawFinding[] = [];
  const pdb = all.some((p) => p.kind === 'PodDisruptionBudget' && p.namespace === o.namespace
    && !isEmptySelector(p.obj.spec?.selector) && selectorMatches(p.obj.spec?.selector, labels));
  if (!pdb) {
    out.push({ rule: 'disruption-budget', message: `can run ${replicas} pods but no PodDisruptionBudget selects them` });
  }
  const spec = o.template.spec;
  const spread = (spec.topologySpreadConstraints ?? []).some((c: Loose) => c.topologyKey === HOSTNAME && selectorMatches(c.labelSelector, labels));
  const anti = spec.affinity?.podAntiAffinity ?? {};
  const antiTerms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: Loose) => p.podAffinityTerm)];
  const antiAffinity = antiTerms.some((t: Loose) => t?.topologyKey === HOSTNAME && selectorMatches(t.labelSelector, labels));
  if (!spread && !antiAffinity) {
    out.push({ rule: 'node-spread', message: `can run ${replicas} pods but has no topology spread (or anti-affinity) over ${HOSTNAME} for its own pods` });
  }
  return out;
}

/** A Secret rendered with values. */
export function secretFindings(o: IndexedObject): RawFinding[] {
  if (o.kind !== 'Secret') {
    return [];
  }
  const keys = [...Object.keys(o.obj.data ?? {}), ...Object.keys(o.obj.stringData ?? {})].sort();
  return keys.length === 0 ? [] : [{ rule: 'secret-literal-data', message: `renders literal values for key(s) ${keys.join(', ')}` }];
}

/** Roles granting every verb or every resource. */
export function rbacFindings(o: IndexedObject): RawFinding[] {
  if (o.kind !== 'Role' && o.kind !== 'ClusterRole') {
    return [];
  }
  return (o.obj.rules ?? []).flatMap((rule: Loose, i: number) => {
    const wild = ['verbs', 'resources'].filter((f) => (rule?.[f] ?? []).includes('*'));
    return wild.length === 0 ? [] : [{ rule: 'rbac-wildcard', message: `rule ${i} grants "*" in ${wild.join(' and ')}` }];
  });
}

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

/** Valid object names and namespaces. */
export function nameFindings(o: IndexedObject): RawFinding[] {
  const out: RawFinding[] = [];
  const problem = LABEL_NAMED.has(o.kind) ? checkDnsLabel(o.obj.metadata?.name) : checkDnsSubdomain(o.obj.metadata?.name);
  if (problem !== undefined) {
    out.push({ rule: 'object-name', message: `metadata.name ${problem}` });
  }
  const namespace = o.obj.metadata?.namespace;
  if (namespace !== undefined && checkDnsLabel(namespace) !== undefined) {
    out.push({ rule: 'object-name', message: `metadata.namespace ${checkDnsLabel(namespace)}` });
  }
  return out;
}

/** Valid label keys and values on the object and its pod template. */
export function labelFindings(o: IndexedObject): RawFinding[] {
  const sources: Array<[string, Loose]> = [['metadata.labels', o.obj.metadata?.labels]];
  if (o.template !== undefined) {
    sources.push(['pod template labels', o.template.metadata.labels]);
  }
  const out: RawFinding[] = [];
  for (const [where, labels] of sources) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      const problem = checkLabelKey(key) ?? checkLabelValue(value);
      if (problem !== undefined) {
        out.push({ rule: 'label-syntax', message: `${where} ${JSON.stringify(key)} ${problem}` });
      }
    }
  }
  return out;
}
