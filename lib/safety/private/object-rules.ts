/**
 * Policy rules judged across the synthesized objects of one environment: selectors, targets, replicas
 * and their disruption budgets and spread, Secrets, RBAC, names and labels.
 */
import { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue } from '../../core/checks';
import { Loose, PodTemplate, RawFinding, podTemplateOf } from './pod-rules';

/** One synthesized object, with what the rules need to know about it. */
export interface IndexedObject {
  readonly obj: Loose;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly template?: PodTemplate;
}

/**
 * An environment's objects, indexed once so the cross-object rules stay linear: pod templates by
 * namespace and label pair, objects by kind, namespace and name, HPAs by target, PDBs by namespace.
 */
export class ObjectIndex {
  public readonly all: IndexedObject[];
  private readonly byKey = new Map<string, IndexedObject>();
  private readonly templatesByLabel = new Map<string, PodTemplate[]>();
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();
  private readonly hpaByTarget = new Map<string, IndexedObject>();
  private readonly budgeted = new Set<PodTemplate>();

  constructor(objects: readonly Loose[]) {
    this.all = objects.map((obj) => ({
      obj,
      kind: String(obj.kind),
      name: String(obj.metadata?.name ?? ''),
      namespace: String(obj.metadata?.namespace ?? 'default'),
      template: podTemplateOf(obj),
    }));
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list === undefined) {
        map.set(key, [value]);
      } else {
        list.push(value);
      }
    };
    for (const o of this.all) {
      this.byKey.set(`${o.kind}\0${o.namespace}\0${o.name}`, o);
      if (o.template !== undefined) {
        push(this.templatesByNamespace, o.namespace, o.template);
        for (const [k, v] of Object.entries(o.template.metadata.labels ?? {})) {
          push(this.templatesByLabel, `${o.namespace}\0${k}\0${String(v)}`, o.template);
        }
      }
      if (isAutoscaler(o)) {
        const ref = o.obj.spec?.scaleTargetRef ?? {};
        this.hpaByTarget.set(`${ref.kind ?? 'Deployment'}\0${o.namespace}\0${ref.name}`, o);
      }
    }
    for (const o of this.all.filter((p) => p.kind === 'PodDisruptionBudget' && !isEmptySelector(p.obj.spec?.selector))) {
      this.templatesSelected(o.namespace, o.obj.spec.selector).forEach((t) => this.budgeted.add(t));
    }
  }

  public find(kind: string, namespace: string, name: string): IndexedObject | undefined {
    return this.byKey.get(`${kind}\0${namespace}\0${name}`);
  }

  /** Pod templates of a namespace a selector selects. */
  public templatesSelected(namespace: string, selector: Loose): PodTemplate[] {
    const first = Object.entries(selector?.matchLabels ?? {})[0];
    const candidates = first === undefined ? this.templatesByNamespace.get(namespace)
      : this.templatesByLabel.get(`${namespace}\0${first[0]}\0${String(first[1])}`);
    return (candidates ?? []).filter((t) => selectorMatches(selector, t.metadata.labels));
  }

  public autoscalerOf(o: IndexedObject): IndexedObject | undefined {
    return this.hpaByTarget.get(`${o.kind}\0${o.namespace}\0${o.name}`);
  }

  /** Whether some PodDisruptionBudget of its namespace selects the template's pods. */
  public hasDisruptionBudget(template: PodTemplate): boolean {
    return this.budgeted.has(template);
  }
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

const SELECTING_WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);

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

/** A Service with a selector selects some pod template, and its named target ports exist on those pods. */
export function serviceFindings(o: IndexedObject, index: ObjectIndex): RawFinding[] {
  const selector: Record<string, string> = o.obj.spec?.selector ?? {};
  if (o.kind !== 'Service' || o.obj.spec?.type === 'ExternalName' || Object.keys(selector).length === 0) {
    return [];
  }
  const selected = index.templatesSelected(o.namespace, { matchLabels: selector });
  if (selected.length === 0) {
    return [{ rule: 'service-selects-pods', message: `selector ${JSON.stringify(selector)} matches no pod template in namespace ${o.namespace}` }];
  }
  const portNames = new Set(selected.flatMap((t) => (t.spec.containers ?? []).flatMap((c: Loose) => (c.ports ?? []).map((p: Loose) => p.name))));
  return (o.obj.spec?.ports ?? []).filter((p: Loose) => typeof p.targetPort === 'string' && !portNames.has(p.targetPort))
    .map((p: Loose) => ({ rule: 'service-selects-pods', message: `targetPort "${p.targetPort}" is not a named container port of the selected pods` }));
}

/** An HPA's scale target and a PDB's selected pods exist. */
export function targetFindings(o: IndexedObject, index: ObjectIndex): RawFinding[] {
  if (isAutoscaler(o)) {
    const ref = o.obj.spec?.scaleTargetRef ?? {};
    const kind = ref.kind ?? 'Deployment';
    const found = index.find(kind, o.namespace, ref.name) !== undefined;
    return found ? [] : [{ rule: 'scale-target-exists', message: `scaleTargetRef ${kind} ${o.namespace}/${ref.name} is not rendered` }];
  }
  if (o.kind === 'PodDisruptionBudget') {
    const selector = o.obj.spec?.selector;
    const found = !isEmptySelector(selector) && index.templatesSelected(o.namespace, selector).length > 0;
    return found ? [] : [{ rule: 'disruption-budget-target', message: `selector ${JSON.stringify(selector ?? {})} matches no pod template in namespace ${o.namespace}` }];
  }
  return [];
}

/** Most pods a Deployment or StatefulSet can run: its replicas, or its autoscaler's maximum. */
function maxReplicas(o: IndexedObject, index: ObjectIndex): number {
  const hpa = index.autoscalerOf(o);
  return Number(hpa?.obj.spec?.maxReplicas ?? hpa?.obj.spec?.maxReplicaCount ?? o.obj.spec?.replicas ?? 1);
}

/** An HPA, or a KEDA ScaledObject (which creates and owns the HPA of its target). */
function isAutoscaler(o: IndexedObject): boolean {
  return o.kind === 'HorizontalPodAutoscaler' || (o.kind === 'ScaledObject' && String(o.obj.apiVersion).startsWith('keda.sh/'));
}

const HOSTNAME = 'kubernetes.io/hostname';

/** A workload that can run more than one pod has a PDB and spreads its pods over nodes. */
export function replicaFindings(o: IndexedObject, index: ObjectIndex): RawFinding[] {
  if ((o.kind !== 'Deployment' && o.kind !== 'StatefulSet') || o.template === undefined) {
    return [];
  }
  const replicas = maxReplicas(o, index);
  if (replicas <= 1) {
    return [];
  }
  const labels = o.template.metadata.labels;
  const out: RawFinding[] = [];
  const pdb = index.hasDisruptionBudget(o.template);
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

/**
 * Verdict on each label key and value pair seen so far (key -> value -> problem): the same few pairs recur
 * on thousands of objects and their pod templates.
 */
const labelVerdicts = new Map<string, Map<string, string | undefined>>();

function labelProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return checkLabelKey(key) ?? checkLabelValue(value);
  }
  let byValue = labelVerdicts.get(key);
  if (byValue === undefined) {
    byValue = new Map();
    if (labelVerdicts.size < 1_000) {
      labelVerdicts.set(key, byValue);
    }
  }
  if (byValue.has(value)) {
    return byValue.get(value);
  }
  const problem = checkLabelKey(key) ?? checkLabelValue(value);
  if (byValue.size < 1_000) {
    byValue.set(value, problem);
  }
  return problem;
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
      const problem = labelProblem(key, value);
      if (problem !== undefined) {
        out.push({ rule: 'label-syntax', message: `${where} ${JSON.stringify(key)} ${problem}` });
      }
    }
  }
  return out;
}
