/**
 * Helpers for construct-level tests. They load the library only: helpers over the shipped environments,
 * which load the stacks and their configuration, are in environment-helpers.ts.
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { renderCharts } from '../lib/render/manifest-writer';

/** A synthesized Kubernetes object, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** Renders the charts of a test chart's app. */
export function synthChart(chart: Chart): K8sObject[] {
  return renderCharts(chart.node.root).flatMap((f) => f.objects as K8sObject[]);
}

/** A fresh chart in namespace `ecommerce`, named `test`. */
export function testChart(): Chart {
  return new Chart(new App(), 'test', { namespace: 'ecommerce', disableResourceNameHashes: true });
}

/** The one object of that kind and name; fails the test when there is not exactly one. */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} "${name}", found ${found.length}`);
  }
  return found[0];
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Whether every key/value of a selector is among the labels. */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * The items a test quantifies over ("every pod...", "each Service..."), after asserting there is at least
 * one: a check over an empty list passes vacuously, so every such test goes through this helper.
 */
export function nonEmpty<T>(items: readonly T[], what: string): readonly T[] {
  if (items.length === 0) {
    throw new Error(`expected at least one ${what}, found none: a check over every ${what} would pass without checking anything`);
  }
  return items;
}

/** Pod templates of every workload, with their owner. */
export function podTemplates(objects: K8sObject[]): Array<{ owner: K8sObject; template: K8sObject['spec'] }> {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)).map((owner) => ({ owner, template: owner.spec.template }))
    .concat(objects.filter((o) => o.kind === 'CronJob').map((owner) => ({ owner, template: owner.spec.jobTemplate.spec.template })));
}

/**
 * Field-level differences between two object lists, keyed by kind and name:
 * `+ Kind/name`, `- Kind/name`, or `~ Kind/name path: old -> new`.
 */
export function diffObjects(before: K8sObject[], after: K8sObject[]): string[] {
  const index = (list: K8sObject[]) => new Map(list.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const a = index(before);
  const b = index(after);
  const out: string[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (!b.has(key)) {
      out.push(`- ${key}`);
    } else if (!a.has(key)) {
      out.push(`+ ${key}`);
    } else {
      diffValues(a.get(key), b.get(key), '', (p, x, y) => out.push(`~ ${key} ${p}: ${JSON.stringify(x)} -> ${JSON.stringify(y)}`));
    }
  }
  return out;
}

function diffValues(x: unknown, y: unknown, p: string, report: (path: string, x: unknown, y: unknown) => void): void {
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
    const keys = [...new Set([...Object.keys(x as object), ...Object.keys(y as object)])];
    for (const k of keys) {
      diffValues((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${p}.${k}`, report);
    }
  } else if (JSON.stringify(x) !== JSON.stringify(y)) {
    report(p.slice(1), x, y);
  }
}

/** Requests and limits used by construct tests. */
export const SMALL_RESOURCES = {
  cpuRequest: kplus.Cpu.millis(100),
  cpuLimit: kplus.Cpu.millis(200),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(256),
};
