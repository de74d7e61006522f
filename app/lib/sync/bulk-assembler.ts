import { gidType } from "~/lib/sync/values";

/** One JSONL node with the nodes of its nested connections, grouped by child type. */
export interface BulkTree {
  node: Record<string, unknown>;
  /** 1-based JSONL line the node was read from. */
  line: number;
  /** Keyed by `__typename` when selected, else the GID type ("ProductVariant", "LineItem", "Collection"). */
  children: Record<string, BulkTree[]>;
}

/** A completed top-level node; `endLine` is its last line, so a resume can start at endLine + 1. */
export interface BulkAggregate extends BulkTree {
  endLine: number;
}

export type BulkEmit =
  | { kind: "aggregate"; aggregate: BulkAggregate }
  | { kind: "error"; line: number; message: string };

export interface BulkAssembler {
  /** Feeds one parsed JSONL line; returns the previous aggregate once a new top-level node begins. */
  push(lineObject: unknown, lineNumber: number): BulkEmit[];
  /** Returns the last aggregate, if any; call once the file has ended. */
  flush(): BulkEmit[];
}

function childKey(node: Record<string, unknown>): string {
  if (typeof node.__typename === "string") return node.__typename;
  if (typeof node.id === "string") return gidType(node.id) ?? "Node";
  return "Node";
}

// Shopify writes child nodes after their parent with a `__parentId`, so only the current top-level
// node and its descendants need to be held in memory.
/** Creates a streaming reassembler for bulk operation JSONL. */
export function createBulkAssembler(): BulkAssembler {
  let current: BulkAggregate | null = null;
  let index = new Map<string, BulkTree>();

  function finish(): BulkEmit[] {
    if (!current) return [];
    const done = current;
    current = null;
    index = new Map();
    return [{ kind: "aggregate", aggregate: done }];
  }

  return {
    push(lineObject, lineNumber) {
      if (typeof lineObject !== "object" || lineObject === null || Array.isArray(lineObject)) {
        return [{ kind: "error", line: lineNumber, message: "line is not a JSON object" }];
      }
      const { __parentId: parentId, ...node } = lineObject as Record<string, unknown>;
      if (parentId === undefined) {
        const emitted = finish();
        current = { node, line: lineNumber, endLine: lineNumber, children: {} };
        if (typeof node.id === "string") index.set(node.id, current);
        return emitted;
      }
      const parent = typeof parentId === "string" ? index.get(parentId) : undefined;
      if (!current || !parent) {
        return [
          {
            kind: "error",
            line: lineNumber,
            message: `__parentId ${JSON.stringify(parentId)} does not match the current top-level node or its children`,
          },
        ];
      }
      const tree: BulkTree = { node, line: lineNumber, children: {} };
      const key = childKey(node);
      (parent.children[key] ??= []).push(tree);
      if (typeof node.id === "string") index.set(node.id, tree);
      current.endLine = lineNumber;
      return [];
    },
    flush: finish,
  };
}

// Lines up to `skipThroughLine` are still fed to the assembler (children need their parent) but
// nothing starting there is emitted, so a partly applied file can resume.
/** Assembles raw JSONL text lines (any iterable, sync or async), reporting unparseable lines. */
export async function* assembleBulkJsonl(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { skipThroughLine?: number } = {},
): AsyncGenerator<BulkEmit> {
  const skip = options.skipThroughLine ?? 0;
  const assembler = createBulkAssembler();
  let lineNumber = 0;
  const keep = (emits: BulkEmit[]) =>
    emits.filter((emit) => (emit.kind === "aggregate" ? emit.aggregate.line : emit.line) > skip);
  for await (const text of lines) {
    lineNumber += 1;
    if (text.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (lineNumber > skip) yield { kind: "error", line: lineNumber, message: "line is not valid JSON" };
      continue;
    }
    yield* keep(assembler.push(parsed, lineNumber));
  }
  yield* keep(assembler.flush());
}
