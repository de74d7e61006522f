import {
  ATTRIBUTES,
  PURCHASE_ARGUMENTS,
  type DateColumn,
  type EnumColumn,
  type ListColumn,
  type NumberColumn,
} from "~/lib/segments/attributes";
import type { ConditionNode, Operator } from "~/lib/segments/ast";
import { dateLiteralOf, textOf } from "~/lib/segments/checker";
import { resolveDate, startOfDay, type RuleClock } from "~/lib/segments/dates";
import { moneyToCents, normaliseListEntry } from "~/lib/segments/values";

/** A half-open instant interval [start, end) covering one shop-local day. */
export interface DayBounds {
  start: number;
  end: number;
}

/**
 * A condition with its values turned into column values: cents, day bounds in the shop's time
 * zone, lowercased list entries, canonical enum spellings. Shared by the compiler and evaluator.
 */
export type ResolvedCondition =
  | { kind: "number"; column: NumberColumn; nullable: boolean; operator: Operator; values: number[] }
  | { kind: "date"; column: DateColumn; operator: Operator; days: DayBounds[] }
  | { kind: "list"; column: ListColumn; operator: "CONTAINS" | "NOT CONTAINS" | "IS NULL" | "IS NOT NULL"; entry: string | null }
  | { kind: "purchases"; column: ListColumn; anyOf: string[] | null; purchased: boolean }
  | { kind: "text"; column: EnumColumn | "countryCode"; nullable: boolean; operator: "=" | "!=" | "IS NULL" | "IS NOT NULL"; value: string | null };

/**
 * Product ids are stored as Shopify's numeric legacy id (`123`), or `sku:<sku>` for CSV-imported
 * lines without a catalogue match (see computeCustomerAggregates in app/lib/sync). Merchants may
 * paste a product GID, so `gid://shopify/Product/123` is reduced to `123`; other text is matched
 * as written, lowercased like the column.
 */
export function purchaseEntry(argument: string, text: string): string {
  const entry = normaliseListEntry(text);
  if (argument !== "id") return entry;
  const gid = /^gid:\/\/shopify\/product\/(\d+)(?:\?.*)?$/.exec(entry);
  return gid ? gid[1] : entry;
}

/** Resolves a type-checked condition at a point in time. */
export function resolveCondition(condition: ConditionNode, clock: RuleClock): ResolvedCondition {
  const definition = ATTRIBUTES[condition.attribute];
  const { operator, values } = condition;
  const timeZone = clock.timeZone ?? "UTC";
  switch (definition.type) {
    case "money":
    case "integer":
    case "float":
      return {
        kind: "number",
        column: definition.column as NumberColumn,
        nullable: definition.nullable,
        operator,
        values: values.map((node) => {
          if (node.kind !== "number") throw new Error("unchecked rule: expected a number");
          return definition.type === "money" ? moneyToCents(node.raw)! : node.value;
        }),
      };
    case "date":
      return {
        kind: "date",
        column: definition.column as DateColumn,
        operator,
        days: values.map((node) => {
          const day = resolveDate(dateLiteralOf(node)!, clock);
          return { start: startOfDay(day, timeZone), end: startOfDay(day + 1, timeZone) };
        }),
      };
    case "list":
      return {
        kind: "list",
        column: definition.column as ListColumn,
        operator: operator as "CONTAINS" | "NOT CONTAINS" | "IS NULL" | "IS NOT NULL",
        entry: values.length > 0 ? normaliseListEntry(textOf(values[0])!) : null,
      };
    case "purchases": {
      const arg = condition.args?.[0];
      const expected = values[0].kind === "boolean" && values[0].value;
      return {
        kind: "purchases",
        column: arg ? PURCHASE_ARGUMENTS[arg.name] : "purchasedProductIds",
        anyOf: arg ? [...new Set(arg.values.map((node) => purchaseEntry(arg.name, textOf(node)!)))] : null,
        purchased: operator === "=" ? expected : !expected,
      };
    }
    case "enum": {
      const text = values.length > 0 ? textOf(values[0])!.toLowerCase() : null;
      return {
        kind: "text",
        column: definition.column as EnumColumn,
        nullable: definition.nullable,
        operator: operator as "=" | "!=" | "IS NULL" | "IS NOT NULL",
        value: text === null ? null : definition.enumValues!.find((value) => value.toLowerCase() === text)!,
      };
    }
    case "country":
      return {
        kind: "text",
        column: "countryCode",
        nullable: true,
        operator: operator === "CONTAINS" ? "=" : operator === "NOT CONTAINS" ? "!=" : (operator as "IS NULL" | "IS NOT NULL"),
        value: values.length > 0 ? textOf(values[0])!.trim().toUpperCase() : null,
      };
  }
}
