import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Check, checkCpu, checkShape, checkSize } from './checks';
import { show } from './errors';

const RESOURCE_FIELDS: Check = checkShape({ cpuRequest: checkCpu, cpuLimit: checkCpu, memoryRequest: checkSize, memoryLimit: checkSize });

/**
 * CPU and memory requests and limits of one container, all four required.
 *
 * The library sets no implicit resource defaults: every workload's sizes come from the environment
 * configuration, so a reviewer sees them in one place.
 */
export interface ContainerResourceSpec {
  /** CPU the scheduler reserves for the container. */
  readonly cpuRequest: kplus.Cpu;

  /** CPU above which the container is throttled; at least `cpuRequest`. */
  readonly cpuLimit: kplus.Cpu;

  /** Memory the scheduler reserves for the container. */
  readonly memoryRequest: Size;

  /** Memory above which the container is OOM-killed; at least `memoryRequest`. */
  readonly memoryLimit: Size;
}

/** Parses a Kubernetes CPU quantity (`250m`, `0.5`, `2`) into millicores; `undefined` when it is not one. */
export function cpuToMillis(cpu: kplus.Cpu): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu.amount);
  if (!match) {
    return undefined;
  }
  const value = Number(match[1]);
  return match[2] === 'm' ? value : value * 1000;
}

/** Memory in KiB, for comparisons. */
export function memoryToKibibytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** Renders a memory size as a Kubernetes quantity in the largest whole binary unit (`512Mi`, `1Gi`). */
export function memoryQuantity(size: Size): string {
  const kib = memoryToKibibytes(size);
  const units: Array<[string, number]> = [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024], ['Ki', 1]];
  for (const [suffix, factor] of units) {
    if (kib % factor === 0) {
      return `${kib / factor}${suffix}`;
    }
  }
  return `${kib * 1024}`;
}

/**
 * Checks a resource spec: every value positive and each limit at least its request.
 *
 * @returns the offending field (relative to the spec) and the problem, or `undefined`
 */
export function checkResources(spec: ContainerResourceSpec | undefined): { field: string; problem: string } | undefined {
  if (spec === undefined) {
    return { field: '', problem: 'required: cpuRequest, cpuLimit, memoryRequest and memoryLimit' };
  }
  const typed = RESOURCE_FIELDS(spec);
  if (typed !== undefined) {
    return typeof typed === 'string' ? { field: '', problem: typed } : { field: typed.field.slice(1), problem: typed.problem };
  }
  const cpu: Array<['cpuRequest' | 'cpuLimit', kplus.Cpu]> = [['cpuRequest', spec.cpuRequest], ['cpuLimit', spec.cpuLimit]];
  for (const [field, value] of cpu) {
    const millis = value === undefined ? undefined : cpuToMillis(value);
    if (millis === undefined || millis <= 0) {
      return { field, problem: `must be a positive CPU quantity such as "250m", got ${show(value?.amount)}` };
    }
  }
  const memory: Array<['memoryRequest' | 'memoryLimit', Size]> = [['memoryRequest', spec.memoryRequest], ['memoryLimit', spec.memoryLimit]];
  for (const [field, value] of memory) {
    if (value === undefined || !(memoryToKibibytes(value) > 0)) {
      return { field, problem: 'must be a positive memory size such as Size.mebibytes(256)' };
    }
  }
  if (cpuToMillis(spec.cpuLimit)! < cpuToMillis(spec.cpuRequest)!) {
    return { field: 'cpuLimit', problem: `must be at least cpuRequest (${spec.cpuRequest.amount}), got ${spec.cpuLimit.amount}` };
  }
  if (memoryToKibibytes(spec.memoryLimit) < memoryToKibibytes(spec.memoryRequest)) {
    return {
      field: 'memoryLimit',
      problem: `must be at least memoryRequest (${memoryQuantity(spec.memoryRequest)}), got ${memoryQuantity(spec.memoryLimit)}`,
    };
  }
  return undefined;
}

/**
 * The run-time check of a {@link ContainerResourceSpec} prop or config field: four values of the right
 * types (`Cpu`, `Size`), positive, each limit at least its request.
 */
export const checkResourceSpec: Check = (value) => {
  const problem = checkResources(value as ContainerResourceSpec);
  return problem === undefined ? undefined : (problem.field === '' ? problem.problem : { field: `.${problem.field}`, problem: problem.problem });
};

/** Converts a checked spec into cdk8s-plus container resources. */
export function toContainerResources(spec: ContainerResourceSpec): kplus.ContainerResources {
  return {
    cpu: { request: spec.cpuRequest, limit: spec.cpuLimit },
    memory: { request: spec.memoryRequest, limit: spec.memoryLimit },
  };
}
