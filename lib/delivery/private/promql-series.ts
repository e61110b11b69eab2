import { parser } from '@prometheus-io/lezer-promql';

/**
 * Metric names a PromQL expression reads: each vector selector's name, or its `__name__="..."` matcher.
 * Sorted, without duplicates.
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (node) => {
      if (node.type.name !== 'VectorSelector') {
        return true;
      }
      const identifier = node.node.getChild('Identifier');
      if (identifier !== null) {
        names.add(expr.slice(identifier.from, identifier.to));
      }
      const text = expr.slice(node.from, node.to);
      const byName = /__name__\s*=\s*"([^"]+)"/.exec(text);
      if (byName !== null) {
        names.add(byName[1]);
      }
      return false;
    },
  });
  return [...names].sort();
}
