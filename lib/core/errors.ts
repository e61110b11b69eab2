import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

export { ValidationError };

/**
 * Renders a value for an error message as the user wrote it: strings quoted (`"false"`), numbers as
 * JavaScript prints them (`NaN`, `Infinity`), cdk8s values by their kind (`Size 0Gi`, `Cpu 250m`,
 * `Duration 5 minutes`), other objects as JSON.
 */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || typeof value === 'symbol') {
    return String(value);
  }
  if (typeof value === 'function') {
    return `a function${value.name ? ` (${value.name})` : ''}`;
  }
  const kind = describeInstance(value as object);
  if (kind !== undefined) {
    return kind;
  }
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return `a ${(value as object).constructor?.name ?? 'value'}`;
  }
}

/** `Size 10Gi`, `Cpu 250m`, `Duration 5 minutes`, `a Construct at <path>`; `undefined` for plain data. */
function describeInstance(value: object | null): string | undefined {
  if (value === null) {
    return undefined;
  }
  const v = value as { asString?: unknown; toKibibytes?: unknown; amount?: unknown; unit?: { label?: unknown }; toHumanString?: unknown; node?: { path?: unknown } };
  const name = value.constructor?.name;
  if (typeof v.asString === 'function' && typeof v.toKibibytes === 'function') {
    return `Size ${(v.asString as () => string).call(value)}`;
  }
  if (name === 'Cpu' && typeof v.amount === 'string') {
    return `Cpu ${v.amount}`;
  }
  if (typeof v.toHumanString === 'function') {
    return typeof v.amount === 'number' && typeof v.unit?.label === 'string'
      ? `Duration ${v.amount} ${v.unit.label}` : `Duration ${(v.toHumanString as () => string).call(value)}`;
  }
  if (v.node !== undefined && typeof v.node.path === 'string') {
    return `a ${name ?? 'construct'} at ${JSON.stringify(v.node.path)}`;
  }
  if (name !== undefined && name !== 'Object' && name !== 'Array' && Object.getPrototypeOf(value) !== null) {
    return `a ${name}`;
  }
  return undefined;
}

/** Throws a {@link ValidationError} located at a construct's path. */
export function failAt(scope: IConstruct, field: string, problem: string): never {
  throw new ValidationError(scope.node.path, field, problem);
}

/**
 * Throws when `problem` is defined; otherwise does nothing. A nested problem (from `checkShape`,
 * `checkArrayOf`...) is reported under `field` followed by its own field path.
 */
export function assertAt(scope: IConstruct, field: string, problem: string | { readonly field: string; readonly problem: string } | undefined): void {
  if (problem !== undefined) {
    if (typeof problem === 'string') {
      failAt(scope, field, problem);
    }
    failAt(scope, `${field}${problem.field}`, problem.problem);
  }
}
