/**
 * PromQL syntax check at synth time, with the parser Prometheus' own web UI uses.
 *
 * The grammar recovers from errors by inserting error nodes, so "parses" means: the tree holds no error
 * node. It checks syntax (brackets, matchers, operators, function names), not types or arity; promtool
 * checks those when `npm run verify` runs `promtool check rules`.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** `undefined` when `expr` is valid PromQL, otherwise where and why it is not. */
export function checkPromql(expr: unknown): string | undefined {
  if (typeof expr !== 'string' || expr.trim().length === 0) {
    return `must be a PromQL expression, got ${JSON.stringify(expr)}`;
  }
  const tree = parser.parse(expr);
  let errorAt: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (errorAt === undefined && node.type.isError) {
        errorAt = node.from;
      }
      return errorAt === undefined;
    },
  });
  if (errorAt === undefined) {
    return undefined;
  }
  const near = expr.slice(errorAt, errorAt + 20).replace(/\s+/g, ' ');
  return `is not valid PromQL: syntax error at character ${errorAt + 1} (near ${JSON.stringify(near.length > 0 ? near : '<end>')}) in ${JSON.stringify(expr.replace(/\s+/g, ' ').trim())}`;
}
