import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 250;

type SortValue = string | number;

function encodeCursor(value: SortValue, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

function decodeCursor(cursor: string): [SortValue, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "number") return parsed as [SortValue, number];
  } catch {
    // fall through to the error Shopify gives for a foreign cursor
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

function compareKeys(a: [SortValue, number], b: [SortValue, number]): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return a[1] - b[1];
}

export interface PageOptions<T> {
  sortValue: (item: T) => SortValue;
  id: (item: T) => number;
  /** Bulk operations ignore page sizes; a slice lets the runner walk the root connection in chunks. */
  unbounded?: boolean;
  slice?: { offset: number; limit: number };
}

/** Sorts, cursors and pages a list the way Shopify's connections do (stable on sort value, then id). */
export function paginate<T>(items: readonly T[], args: ConnectionArgs, options: PageOptions<T>): Connection<T> {
  const keyed = items.map((item) => ({ item, key: [options.sortValue(item), options.id(item)] as [SortValue, number] }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  if (args.reverse) keyed.reverse();
  const direction = args.reverse ? -1 : 1;
  let start = 0;
  let end = keyed.length;
  if (args.after) {
    const after = decodeCursor(args.after);
    const index = keyed.findIndex((k) => compareKeys(k.key, after) * direction > 0);
    start = index === -1 ? keyed.length : index;
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    const index = keyed.findIndex((k) => compareKeys(k.key, before) * direction >= 0);
    end = index === -1 ? keyed.length : index;
  }
  let window = keyed.slice(start, Math.max(start, end));
  let hasNextPage = end < keyed.length;
  let hasPreviousPage = start > 0;
  if (options.slice) {
    const { offset, limit } = options.slice;
    hasPreviousPage = offset > 0;
    hasNextPage = window.length > offset + limit;
    window = window.slice(offset, offset + limit);
  } else if (!options.unbounded) {
    const { first, last } = args;
    if (first == null && last == null) {
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    if ((first ?? 0) > MAX_PAGE_SIZE || (last ?? 0) > MAX_PAGE_SIZE) {
      throw new GraphQLError(`The maximum page size is ${MAX_PAGE_SIZE}.`, { extensions: { code: "MAX_PAGE_SIZE_EXCEEDED" } });
    }
    if (first != null) {
      hasNextPage = hasNextPage || window.length > first;
      window = window.slice(0, Math.max(0, first));
    }
    if (last != null) {
      hasPreviousPage = hasPreviousPage || window.length > last;
      window = window.slice(Math.max(0, window.length - last));
    }
  }
  const edges = window.map(({ item, key }) => ({ cursor: encodeCursor(key[0], key[1]), node: item }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
