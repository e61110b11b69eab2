import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The ApiObjects of every chart below `root`, each chart's in the order `chart.toJson()` returns them;
 * undefined when that order is better left to cdk8s.
 *
 * `chart.toJson()` orders a chart's objects along their dependencies, and pays for it on every call: it
 * derives object-level dependencies for the whole app, validates the whole app again, and rebuilds a
 * dependency graph keyed by construct paths (recomputed from the root each time) with a cycle search per
 * edge. `renderCharts` has already validated the tree and needs every chart, so this derives the same
 * order once, the way cdk8s does:
 * - each dependency between two constructs of one chart also makes every ApiObject below the dependent
 *   depend on every ApiObject below the dependency (added to the tree with `node.addDependency`, exactly
 *   as cdk8s adds it; the cross-chart ones cdk8s adds cannot change an order within a chart);
 * - a chart's order is the post-order of a depth-first walk over its constructs (tree order), each
 *   visiting its dependencies first (in the order they were added).
 *
 * cdk8s decides (and reports) when a construct outside `root`'s tree fails a validation or depends on
 * something, when a chart sits inside another chart, or when dependencies form a cycle.
 */
export function apiObjectsInSynthOrder(root: IConstruct, constructs: readonly IConstruct[]): Map<Chart, ApiObject[]> | undefined {
  // cdk8s validates the whole app before it orders: anything outside `root`'s tree (its ancestors, the
  // registries kept at the app root) must pass too, and depend on nothing, for the order to be cdk8s'.
  const inTree = new Set<IConstruct>(constructs);
  const outside = root.node.root.node.findAll().filter((c) => !inTree.has(c));
  if (outside.some((c) => c.node.validate().length > 0 || c.node.dependencies.length > 0)) {
    return undefined;
  }
  const chartOf = new Map<IConstruct, Chart>();
  const members = new Map<Chart, IConstruct[]>();
  for (const construct of constructs) {
    if (Chart.isChart(construct)) {
      if (construct.node.scopes.some((s) => s !== construct && Chart.isChart(s))) {
        return undefined;
      }
      chartOf.set(construct, construct);
      members.set(construct, []);
    } else {
      const scope = construct.node.scope;
      const chart = scope === undefined ? undefined : chartOf.get(scope);
      if (chart !== undefined) {
        chartOf.set(construct, chart);
        members.get(chart)!.push(construct);
      }
    }
  }

  addObjectDependencies(constructs, chartOf);

  const order = new Map<Chart, ApiObject[]>();
  for (const [chart, chartMembers] of members) {
    const sorted = chartOrder(chart, chartMembers);
    if (sorted === undefined) {
      return undefined;
    }
    order.set(chart, sorted);
  }
  return order;
}

/** cdk8s' object-level dependencies for every dependency within one chart. */
function addObjectDependencies(constructs: readonly IConstruct[], chartOf: ReadonlyMap<IConstruct, Chart>): void {
  const pairs: Array<[IConstruct, IConstruct]> = [];
  for (const source of constructs) {
    for (const target of source.node.dependencies) {
      if (chartOf.get(source) !== undefined && chartOf.get(source) === chartOf.get(target)) {
        pairs.push([source, target]);
      }
    }
  }
  const objectsBelow = (construct: IConstruct): ApiObject[] =>
    construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && chartOf.get(c) === chartOf.get(construct));
  for (const [source, target] of pairs) {
    const targets = objectsBelow(target);
    const sources = objectsBelow(source);
    for (const t of targets) {
      for (const s of sources) {
        if (t !== s) {
          s.node.addDependency(t);
        }
      }
    }
  }
}

/**
 * One chart's ApiObjects in dependency order: `members` are the chart's constructs in tree order (the
 * chart itself first), every one a vertex; roots are the vertices nothing depends on, in tree order.
 * Undefined on a cycle.
 */
function chartOrder(chart: Chart, members: readonly IConstruct[]): ApiObject[] | undefined {
  const vertices = [chart, ...members];
  const inChart = new Set<IConstruct>(vertices);
  const edges = new Map<IConstruct, IConstruct[]>();
  const dependedOn = new Set<IConstruct>();
  for (const vertex of vertices) {
    const targets: IConstruct[] = [];
    for (const target of vertex.node.dependencies) {
      if (inChart.has(target) && !targets.includes(target)) {
        targets.push(target);
        dependedOn.add(target);
      }
    }
    edges.set(vertex, targets);
  }

  const done = new Set<IConstruct>();
  const onPath = new Set<IConstruct>();
  const ordered: ApiObject[] = [];
  let cycle = false;
  const visit = (vertex: IConstruct): void => {
    if (done.has(vertex) || cycle) {
      return;
    }
    if (onPath.has(vertex)) {
      cycle = true;
      return;
    }
    onPath.add(vertex);
    for (const target of edges.get(vertex)!) {
      visit(target);
    }
    onPath.delete(vertex);
    done.add(vertex);
    if (vertex instanceof ApiObject) {
      ordered.push(vertex);
    }
  };
  for (const vertex of vertices) {
    if (!dependedOn.has(vertex)) {
      visit(vertex);
    }
  }
  // A cycle, or vertices only reachable through one (no root leads to them).
  const acyclic = !cycle && done.size === vertices.length;
  return acyclic ? ordered : undefined;
}
