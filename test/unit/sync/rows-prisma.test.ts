import type { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import type { CustomerRow, OrderLineRow, OrderRow, ProductRow, VariantRow } from "~/lib/sync/rows";

// Compile-time check (npm run typecheck) that the pure row shapes stay assignable to Prisma's create
// inputs. Json columns are the exception: Prisma wants Prisma.DbNull, not null, so models swap it.
type WithoutNullJson<T, K extends keyof T> = Omit<T, K> & { [P in K]: Exclude<T[P], null> };

function orderInput(row: WithoutNullJson<OrderRow, "noteAttributes">): Prisma.OrderUncheckedCreateInput {
  return row;
}
function lineInput(row: WithoutNullJson<OrderLineRow, "properties">): Prisma.OrderLineUncheckedCreateInput {
  return row;
}
function productInput(row: ProductRow): Prisma.ProductUncheckedCreateInput {
  return row;
}
function variantInput(row: VariantRow): Prisma.VariantUncheckedCreateInput {
  return row;
}
function customerInput(row: CustomerRow): Prisma.CustomerUncheckedCreateInput {
  return row;
}

describe("row shapes", () => {
  it("are plain objects Prisma accepts as create inputs", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const shop = "s.myshopify.com";
    expect(customerInput({ shop, id: "1", tags: ",", emailMarketingState: "PENDING", createdAt: at, updatedAt: at }).id).toBe("1");
    expect(variantInput({ shop, id: "2", productId: "3", title: "", sku: null, priceCents: 0, inventory: 0, updatedAt: at }).productId).toBe("3");
    expect(typeof orderInput).toBe("function");
    expect(typeof lineInput).toBe("function");
    expect(typeof productInput).toBe("function");
  });
});
