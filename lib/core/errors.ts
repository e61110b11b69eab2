import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

export { ValidationError };

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/** Throws a {@link ValidationError} located at a construct's path. */
export function failAt(scope: IConstruct, field: string, problem: string): never {
  throw new ValidationError(scope.node.path, field, problem);
}

/** Throws when `problem` is defined; otherwise does nothing. */
export function assertAt(scope: IConstruct, field: string, problem: string | undefined): void {
  if (problem !== undefined) {
    failAt(scope, field, problem);
  }
}
