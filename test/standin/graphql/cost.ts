// Shopify's calculated query cost, as documented: scalars and enums cost 0, objects 1, a connection
// 2 plus its page size times the cost of one node, a mutation field 10. requestedQueryCost uses the
// page sizes asked for; actualQueryCost uses what came back.
import {
  getArgumentValues,
  getNamedType,
  isLeafType,
  isListType,
  getNullableType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

const MUTATION_COST = 10;
const CONNECTION_OVERHEAD = 2;

type Composite = GraphQLObjectType | GraphQLInterfaceType;

interface CostWalk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function collectFields(selectionSet: SelectionSetNode, walk: CostWalk, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, walk, out);
    else {
      const fragment = walk.fragments[selection.name.value];
      if (fragment) collectFields(fragment.selectionSet, walk, out);
    }
  }
  return out;
}

function fieldDefinition(parent: Composite, name: string, walk: CostWalk): { def: GraphQLField<unknown, unknown>; owner: Composite } | null {
  const direct = parent.getFields()[name];
  if (direct) return { def: direct, owner: parent };
  // A field selected in a fragment on an implementation of an interface.
  if (isInterfaceType(parent)) {
    for (const impl of walk.schema.getPossibleTypes(parent)) {
      const def = impl.getFields()[name];
      if (def) return { def, owner: impl };
    }
  }
  return null;
}

function selectionCost(selectionSet: SelectionSetNode, parent: Composite, walk: CostWalk, data: unknown): number {
  let total = 0;
  for (const field of collectFields(selectionSet, walk)) {
    const name = field.name.value;
    if (name.startsWith("__")) continue;
    const found = fieldDefinition(parent, name, walk);
    if (!found) continue;
    total += fieldCost(field, found.def, walk, data === undefined ? undefined : (data as Record<string, unknown> | null)?.[field.alias?.value ?? name]);
  }
  return total;
}

function fieldCost(field: FieldNode, def: GraphQLField<unknown, unknown>, walk: CostWalk, data: unknown): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !field.selectionSet) return 0;
  const composite = named as Composite;
  const actual = data !== undefined;
  if (actual && data === null) return 0;

  if (composite.name.endsWith("Connection")) {
    const args = getArgumentValues(def, field, walk.variables) as { first?: number; last?: number };
    const nodeType = walk.schema.getType(composite.name.replace(/Connection$/, "")) as Composite;
    const nodeSelections = connectionNodeSelections(field.selectionSet, walk);
    if (!actual) {
      const pageSize = args.first ?? args.last ?? 1;
      const perNode = nodeSelections.reduce((n, s) => n + 1 + selectionCost(s, nodeType, walk, undefined), 0);
      return CONNECTION_OVERHEAD + pageSize * Math.max(1, perNode);
    }
    const connection = data as { edges?: { node: unknown }[]; nodes?: unknown[] };
    const nodes = connection.edges?.map((e) => e.node) ?? connection.nodes ?? [];
    let perNodes = 0;
    for (const node of nodes) perNodes += nodeSelections.reduce((n, s) => n + 1 + selectionCost(s, nodeType, walk, node), 0) || 1;
    return CONNECTION_OVERHEAD + perNodes;
  }

  const nullable = getNullableType(def.type);
  if (isListType(nullable)) {
    if (actual) {
      const items = Array.isArray(data) ? data : [];
      return items.reduce((n: number, item) => n + 1 + selectionCost(field.selectionSet!, composite, walk, item), 0);
    }
    const args = getArgumentValues(def, field, walk.variables) as { first?: number; ids?: unknown[] };
    const size = args.first ?? (Array.isArray(args.ids) ? args.ids.length : 1);
    return size * (1 + selectionCost(field.selectionSet, composite, walk, undefined));
  }
  return 1 + selectionCost(field.selectionSet, composite, walk, data);
}

function connectionNodeSelections(selectionSet: SelectionSetNode, walk: CostWalk): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  for (const field of collectFields(selectionSet, walk)) {
    if (field.name.value === "nodes" && field.selectionSet) out.push(field.selectionSet);
    if (field.name.value === "edges" && field.selectionSet) {
      for (const inner of collectFields(field.selectionSet, walk)) {
        if (inner.name.value === "node" && inner.selectionSet) out.push(inner.selectionSet);
      }
    }
  }
  return out;
}

/** Computes the requested cost (data omitted) or the actual cost (data given) of an operation. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data?: unknown,
): number {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const walk: CostWalk = { schema, fragments, variables };
  if (operation.operation === "mutation") {
    return collectFields(operation.selectionSet, walk).filter((f) => !f.name.value.startsWith("__")).length * MUTATION_COST;
  }
  const root = schema.getQueryType();
  if (!root || !isObjectType(root)) return 0;
  // Shopify charges at least one point for any query.
  return Math.max(1, selectionCost(operation.selectionSet, root, walk, data === undefined ? undefined : data ?? null));
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's leaky bucket: capacity points, refilled continuously at restoreRate points per second. */
export class CostBucket {
  private available: number;
  private last: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly nowMs: () => number,
  ) {
    this.available = maximumAvailable;
    this.last = nowMs();
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsed * this.restoreRate);
    this.last = now;
  }

  /** Takes the cost if the bucket holds it; returns false (taking nothing) when it does not. */
  tryTake(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back the difference between requested and actual cost. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  /** Empties the bucket, e.g. to simulate another app draining it. */
  drain(): void {
    this.refill();
    this.available = 0;
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
