import { describe, expect, it } from "vitest";
import { forEachRecOrderPage } from "~/models/recommendations.server";
import type { OrderRecord } from "~/lib/recommend/types";
import { testDb } from "../support/context";

// The full recompute reads a shop's history page by page, each page's lines by its range of order ids.
// Whatever the page size, every non-cancelled order must come back once, with exactly its own lines
// net of refunds, and nothing of cancelled orders or of another shop.
const SHOP = "rec-pages.myshopify.com";
const OTHER = "rec-pages-other.myshopify.com";

describe(`forEachRecOrderPage (${testDb().flavour})`, () => {
  it("returns every order once with its own net lines, for any page size", async () => {
    const prisma = testDb().prisma;
    const at = new Date("2026-03-01T00:00:00Z");
    const expected: OrderRecord[] = [];
    // 23 orders with ids that sort differently as text and as numbers; every 5th is cancelled, every
    // 7th has one line fully refunded, every 11th has only refunded lines (so it drops out).
    for (let n = 1; n <= 23; n++) {
      const id = String(n * 37);
      const cancelled = n % 5 === 0;
      const lines = [1, 2, 3].slice(0, 1 + (n % 3)).map((k) => ({
        id: `${id}-${k}`,
        productId: `p${(n + k) % 6}`,
        quantity: k + 1,
        refundedQuantity: n % 11 === 0 || (n % 7 === 0 && k === 1) ? k + 1 : 0,
        priceCents: 100 * k,
      }));
      for (const shop of [SHOP, OTHER]) {
        await prisma.order.create({
          data: {
            shop, id, name: `#${id}`, customerId: n % 4 === 0 ? null : `c${n % 4}`, createdAt: new Date(at.getTime() + n * 60_000), updatedAt: at,
            cancelledAt: cancelled ? at : null,
            lines: { create: lines.map((l) => ({ ...l, shop: undefined, title: `line ${l.id}`, productId: shop === OTHER ? `other-${l.productId}` : l.productId })) },
          },
        });
      }
      const net = lines.filter((l) => l.quantity - l.refundedQuantity > 0).map((l) => ({ productId: l.productId, quantity: l.quantity - l.refundedQuantity, priceCents: l.priceCents }));
      if (!cancelled && net.length > 0) expected.push({ id, customerId: n % 4 === 0 ? null : `c${n % 4}`, createdAt: at.getTime() + n * 60_000, lines: net });
    }
    const sortLines = (r: OrderRecord) => ({ ...r, lines: [...r.lines].sort((a, b) => a.productId.localeCompare(b.productId) || a.priceCents - b.priceCents) });
    const want = expected.map(sortLines).sort((a, b) => a.id.localeCompare(b.id));
    expect(want.length).toBe(16);

    for (const pageSize of [1, 2, 4, 7, 100]) {
      const seen: OrderRecord[] = [];
      let pages = 0;
      await forEachRecOrderPage({ shop: SHOP, pageSize, onPage: (page) => { pages += 1; seen.push(...page); } });
      expect({ pageSize, orders: seen.map(sortLines).sort((a, b) => a.id.localeCompare(b.id)) }).toEqual({ pageSize, orders: want });
      // Pages count the non-cancelled orders (19), including the 2 whose lines were all refunded.
      expect({ pageSize, pages }).toEqual({ pageSize, pages: Math.floor(19 / pageSize) + 1 });
    }
  });
});
