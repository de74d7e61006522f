// Bulk query operations: the query runs over the whole store in the background and the result is a
// JSONL file with one object per line; nodes of nested connections get their own lines carrying
// `__parentId`, after their parent, as Shopify writes them.
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  execute,
  getNamedType,
  isLeafType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { AdminContext, BulkOperationRecord } from "./graphql/schema";
import { parseGid, toGid } from "./ids";
import type { ShopState, StandinStore } from "./store";

export interface BulkFault {
  errorCode: "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED";
  /** Fail after this many objects were written (a partial file is kept); 0 fails before any output. */
  afterObjects?: number;
}

type UserError = { field: string[] | null; message: string; code: string | null };

const CHUNK = 250;
const MAX_CONNECTIONS = 5;

interface BulkDeps {
  store: StandinStore;
  schema: GraphQLSchema;
  baseUrl: () => string;
  makeContext: (shop: ShopState, slice: { offset: number; limit: number }) => AdminContext;
  onFinish?: (operation: BulkOperationRecord) => void | Promise<void>;
}

/** Runs bulk query operations, one at a time per shop, and keeps their result files. */
export class BulkOperations {
  readonly operations = new Map<number, BulkOperationRecord>();
  readonly dir = mkdtempSync(path.join(tmpdir(), "standin-bulk-"));
  private held = false;
  private releaseWaiters: (() => void)[] = [];
  private faults: BulkFault[] = [];
  private finishWaiters = new Map<number, ((op: BulkOperationRecord) => void)[]>();

  constructor(private readonly deps: BulkDeps) {}

  /** Keeps new and running operations from progressing until release(), to observe CREATED/RUNNING. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    const waiters = this.releaseWaiters;
    this.releaseWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Makes the next bulk operation fail. */
  failNext(fault: BulkFault = { errorCode: "INTERNAL_SERVER_ERROR" }): void {
    this.faults.push(fault);
  }

  resetFaults(): void {
    this.faults = [];
  }

  filePath(id: number): string {
    return path.join(this.dir, `${id}.jsonl`);
  }

  get(gid: string): BulkOperationRecord | null {
    const parsed = parseGid(gid);
    if (!parsed || parsed.type !== "BulkOperation") return null;
    return this.operations.get(parsed.id) ?? null;
  }

  /** The shop's most recent operation of the type, as `currentBulkOperation` returns it. */
  current(shop: string, type = "QUERY"): BulkOperationRecord | null {
    let latest: BulkOperationRecord | null = null;
    for (const op of this.operations.values()) if (op.shop === shop && op.type === type) latest = op;
    return latest;
  }

  /** Resolves once the operation reaches a final status. */
  waitFor(gidOrId: string | number): Promise<BulkOperationRecord> {
    const id = typeof gidOrId === "number" ? gidOrId : parseGid(gidOrId)?.id;
    const op = id !== undefined ? this.operations.get(id) : undefined;
    if (!op) return Promise.reject(new Error(`Unknown bulk operation ${gidOrId}`));
    if (isFinal(op.status)) return Promise.resolve(op);
    return new Promise((resolve) => {
      const list = this.finishWaiters.get(op.id) ?? [];
      list.push(resolve);
      this.finishWaiters.set(op.id, list);
    });
  }

  start(shop: ShopState, query: string): { bulkOperation: BulkOperationRecord | null; userErrors: UserError[] } {
    const running = this.current(shop.domain, "QUERY");
    if (running && !isFinal(running.status)) {
      return {
        bulkOperation: null,
        userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${toGid("BulkOperation", running.id)}.`, code: "OPERATION_IN_PROGRESS" }],
      };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { bulkOperation: null, userErrors: [{ field: ["query"], message: `Invalid bulk query: ${(error as Error).message}`, code: "INVALID" }] };
    }
    const problems = validate(this.deps.schema, document).map((e) => e.message);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation || operation.operation !== "query") problems.push("Bulk queries must be a query operation.");
    else problems.push(...checkBulkShape(this.deps.schema, operation));
    if (problems.length > 0) {
      return { bulkOperation: null, userErrors: problems.map((message) => ({ field: ["query"], message: `Invalid bulk query: ${message}`, code: "INVALID" })) };
    }
    const op: BulkOperationRecord = {
      id: this.deps.store.nextId("BulkOperation"),
      shop: shop.domain,
      status: "CREATED",
      errorCode: null,
      type: "QUERY",
      query,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      createdAt: this.deps.store.nowIso(),
      completedAt: null,
    };
    this.operations.set(op.id, op);
    const fault = this.faults.shift();
    setImmediate(() => void this.run(op, shop, document, fault));
    return { bulkOperation: op, userErrors: [] };
  }

  cancel(gid: string): { bulkOperation: BulkOperationRecord | null; userErrors: { field: string[] | null; message: string }[] } {
    const op = this.get(gid);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (isFinal(op.status)) return { bulkOperation: op, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}` }] };
    op.status = "CANCELING";
    return { bulkOperation: op, userErrors: [] };
  }

  private async waitIfHeld(): Promise<void> {
    while (this.held) await new Promise<void>((resolve) => this.releaseWaiters.push(resolve));
  }

  private async run(op: BulkOperationRecord, shop: ShopState, document: DocumentNode, fault: BulkFault | undefined): Promise<void> {
    await this.waitIfHeld();
    if (op.status === "CANCELING") return this.finish(op, "CANCELED");
    op.status = "RUNNING";
    const file = this.filePath(op.id);
    const out = createWriteStream(file);
    // An operation still running when the stand-in closes loses its directory; that must not surface
    // as an unhandled stream error in whichever test runs next.
    out.on("error", () => {
      if (!isFinal(op.status)) op.status = "CANCELING";
    });
    let bytes = 0;
    const write = (line: string) => {
      bytes += Buffer.byteLength(line);
      return out.write(line);
    };
    try {
      for (let offset = 0; ; offset += CHUNK) {
        await this.waitIfHeld();
        await new Promise((resolve) => setImmediate(resolve));
        if ((op.status as BulkOperationRecord["status"]) === "CANCELING") {
          await closeStream(out);
          return this.finish(op, "CANCELED");
        }
        const result = await execute({
          schema: this.deps.schema,
          document,
          contextValue: this.deps.makeContext(shop, { offset, limit: CHUNK }),
        });
        if (result.errors?.length) throw new Error(result.errors[0].message);
        const rootKey = Object.keys(result.data ?? {})[0];
        const connection = (result.data as Record<string, unknown>)[rootKey] as { edges?: { node: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] };
        const roots = connection.edges?.map((e) => e.node) ?? connection.nodes ?? [];
        for (const root of roots) {
          const lines: Record<string, unknown>[] = [];
          flattenNode(root, null, lines);
          for (const line of lines) {
            if (fault && op.objectCount >= (fault.afterObjects ?? 0)) {
              await closeStream(out);
              op.fileSize = bytes;
              if (op.objectCount > 0) op.partialDataUrl = `${this.deps.baseUrl()}/bulk-results/${op.id}.jsonl`;
              op.errorCode = fault.errorCode;
              return this.finish(op, "FAILED");
            }
            write(`${JSON.stringify(line)}\n`);
            op.objectCount += 1;
          }
          op.rootObjectCount += 1;
        }
        if (roots.length < CHUNK) break;
      }
      if (fault) {
        await closeStream(out);
        op.errorCode = fault.errorCode;
        op.fileSize = bytes;
        if (op.objectCount > 0) op.partialDataUrl = `${this.deps.baseUrl()}/bulk-results/${op.id}.jsonl`;
        return this.finish(op, "FAILED");
      }
      await closeStream(out);
      op.fileSize = bytes;
      op.url = op.objectCount > 0 ? `${this.deps.baseUrl()}/bulk-results/${op.id}.jsonl` : null;
      return this.finish(op, "COMPLETED");
    } catch {
      out.destroy();
      op.errorCode = "INTERNAL_SERVER_ERROR";
      return this.finish(op, "FAILED");
    }
  }

  private async finish(op: BulkOperationRecord, status: BulkOperationRecord["status"]): Promise<void> {
    op.status = status;
    op.completedAt = this.deps.store.nowIso();
    const waiters = this.finishWaiters.get(op.id) ?? [];
    this.finishWaiters.delete(op.id);
    for (const resolve of waiters) resolve(op);
    try {
      await this.deps.onFinish?.(op);
    } catch {
      // A failed bulk_operations/finish delivery does not change the operation.
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function isFinal(status: BulkOperationRecord["status"]): boolean {
  return status === "COMPLETED" || status === "FAILED" || status === "CANCELED" || status === "EXPIRED";
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function isConnectionValue(value: unknown): value is { edges?: { node: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k === "edges" || k === "nodes" || k === "pageInfo") && (Array.isArray((value as { edges?: unknown }).edges) || Array.isArray((value as { nodes?: unknown }).nodes));
}

/** One JSONL object per node; nested connection nodes follow their parent with `__parentId`. */
export function flattenNode(node: Record<string, unknown>, parentId: string | null, out: Record<string, unknown>[]): void {
  const own: Record<string, unknown> = {};
  const nested: Record<string, unknown>[][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnectionValue(value)) nested.push(value.edges?.map((e) => e.node) ?? value.nodes ?? []);
    else own[key] = value;
  }
  if (parentId !== null) own.__parentId = parentId;
  out.push(own);
  for (const children of nested) for (const child of children) flattenNode(child, node.id as string, out);
}

/** Shopify's limits on bulk queries: one root connection, at most five connections, ids on parents of nested ones. */
function checkBulkShape(schema: GraphQLSchema, operation: OperationDefinitionNode): string[] {
  const problems: string[] = [];
  const rootFields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && !s.name.value.startsWith("__"));
  const queryType = schema.getQueryType()!;
  if (rootFields.length !== 1) problems.push("Bulk queries must have exactly one top-level field.");
  let connections = 0;
  const visit = (selectionSet: SelectionSetNode, type: GraphQLObjectType, depth: number, hasId: boolean) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
      const def = type.getFields()[selection.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      if (isLeafType(named)) continue;
      if (named.name.endsWith("Connection")) {
        connections += 1;
        if (depth > 0 && !hasId) problems.push(`The parent '${type.name}' of the nested connection '${selection.name.value}' must select the 'id' field.`);
        if (depth > 2) problems.push("Bulk queries cannot contain connections nested more than two levels deep.");
        const nodeType = schema.getType(named.name.replace(/Connection$/, "")) as GraphQLObjectType;
        for (const inner of selection.selectionSet.selections) {
          if (inner.kind !== Kind.FIELD || !inner.selectionSet) continue;
          const nodeSelections =
            inner.name.value === "nodes"
              ? [inner.selectionSet]
              : inner.name.value === "edges"
                ? inner.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === "node" && Boolean(s.selectionSet)).map((s) => s.selectionSet!)
                : [];
          for (const nodeSelection of nodeSelections) {
            const selectsId = nodeSelection.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "id" && !s.alias);
            visit(nodeSelection, nodeType, depth + 1, selectsId);
          }
        }
      } else if ("getFields" in named) {
        visit(selection.selectionSet, named as GraphQLObjectType, depth, hasId);
      }
    }
  };
  visit(operation.selectionSet, queryType, 0, false);
  if (connections === 0) problems.push("Bulk queries must contain at least one connection.");
  if (connections > MAX_CONNECTIONS) problems.push(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  const rootDef = rootFields[0] && queryType.getFields()[rootFields[0].name.value];
  if (rootDef && !getNamedType(rootDef.type).name.endsWith("Connection")) problems.push("The top-level field of a bulk query must be a connection.");
  return problems;
}
