import { parser } from '@prometheus-io/lezer-promql';

/** Positions where the PromQL parser found a syntax error; empty when `expr` parses. */
export function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(node.from);
      }
    },
  });
  return errors;
}
