/**
 * PromQL syntax check at synth time, with the parser Prometheus' own web UI uses.
 *
 * The grammar recovers from errors by inserting error nodes, so "parses" means: the tree holds no error
 * node. It checks syntax (brackets, matchers, operators, function names), not types or arity; promtool
 * checks those when `npm run verify` runs `promtool check rules`.
 */
import { parser } from '@prometheus-io/lezer-promql';

/**
 * Results by expression text. Both checks are pure functions of the text, and the same expressions are
 * checked many times: cdk8s validates the whole app again for every chart it renders, and one process
 * (a synth of three environments, a test file) builds the same rules again and again.
 */
const syntaxResults = new Map<string, string | undefined>();
const selectedNames = new Map<string, readonly string[]>();

/** `undefined` when `expr` is valid PromQL, otherwise where and why it is not. */
export function checkPromql(expr: unknown): string | undefined {
  if (typeof expr !== 'string' || expr.trim().length === 0) {
    return `must be a PromQL expression, got ${JSON.stringify(expr)}`;
  }
  if (!syntaxResults.has(expr)) {
    syntaxResults.set(expr, syntaxProblem(expr));
  }
  return syntaxResults.get(expr);
}

function syntaxProblem(expr: string): string | undefined {
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

/**
 * Metric names an expression selects, sorted and unique: every vector selector's name, written as
 * `name{...}` or `{__name__="name"}`. Selectors that match names by regular expression are left out (no
 * single family to check); so are expressions that do not parse.
 */
export function selectedMetricNames(expr: string): string[] {
  let names = selectedNames.get(expr);
  if (names === undefined) {
    names = parseSelectedNames(expr);
    selectedNames.set(expr, names);
  }
  return [...names];
}

function parseSelectedNames(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.name !== 'VectorSelector') {
        return true;
      }
      const node = ref.node;
      const identifier = node.getChild('Identifier');
      if (identifier !== null) {
        names.add(expr.slice(identifier.from, identifier.to));
        return false;
      }
      for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = matcher.getChild('LabelName');
        const op = matcher.getChild('MatchOp');
        const value = matcher.getChild('StringLiteral');
        if (label !== null && op !== null && value !== null && expr.slice(label.from, label.to) === '__name__' && op.getChild('EqlSingle') !== null) {
          names.add(parseStringLiteral(expr.slice(value.from, value.to)));
        }
      }
      return false;
    },
  });
  return [...names].sort();
}

function parseStringLiteral(text: string): string {
  if (text.startsWith('`')) {
    return text.slice(1, -1);
  }
  return text.startsWith('\'') ? JSON.parse(`"${text.slice(1, -1).replace(/"/g, '\\"')}"`) as string : JSON.parse(text) as string;
}
