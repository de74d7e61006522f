import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { attributedRevenue } from "~/models/events.server";

const SHOP = "attr-shop.myshopify.com";
const DAY = 86_400_000;
const orderAt = new Date("2026-03-10T12:00:00Z");

async function order(id: string, customerId: string | null, lines: { id: string; productId: string; quantity: number; refunded?: number; priceCents: number; rec: boolean }[], at = orderAt) {
  await prisma.order.create({
    data: {
      shop: SHOP, id, name: `#${id}`, customerId, createdAt: at, updatedAt: at,
      lines: {
        create: lines.map((l) => ({
          id: l.id, productId: l.productId, title: "t", quantity: l.quantity, refundedQuantity: l.refunded ?? 0, priceCents: l.priceCents,
          ...(l.rec ? { recSurface: "product", recStrategy: "bought_together", recArm: "personal" } : {}),
        })),
      },
    },
  });
}

beforeAll(async () => {
  await prisma.shop.create({ data: { domain: SHOP, settings: { ethics: { attributionWindowDays: 7 } } } });
  const ev = (type: string, productId: string, at: Date, ids: { customerId?: string; visitorId?: string }) =>
    prisma.event.create({ data: { shop: SHOP, type, surface: "product", productId, occurredAt: at, ...ids } });
  // Customer c1 clicked p1 2 days before; added p2 10 days before (outside the 7-day window).
  await ev("click", "p1", new Date(orderAt.getTime() - 2 * DAY), { customerId: "c1", visitorId: "vis-c1-0001" });
  await ev("add_to_cart", "p2", new Date(orderAt.getTime() - 10 * DAY), { customerId: "c1" });
  // p3 was clicked on c1's device while logged out; the visitor id was linked to c1 above.
  await ev("click", "p3", new Date(orderAt.getTime() - 1 * DAY), { visitorId: "vis-c1-0001" });
  // An impression is not a touch.
  await ev("impression", "p4", new Date(orderAt.getTime() - 1 * DAY), { customerId: "c1" });
  // Someone else's click on p5 does not credit c1; a click after the order does not either.
  await ev("click", "p5", new Date(orderAt.getTime() - 1 * DAY), { customerId: "c2" });
  await ev("click", "p6", new Date(orderAt.getTime() + 1 * DAY), { customerId: "c1" });

  await order("o1", "c1", [
    { id: "l1", productId: "p1", quantity: 2, refunded: 1, priceCents: 1500, rec: true }, // credited: 1 × 1500
    { id: "l2", productId: "p2", quantity: 1, priceCents: 900, rec: true }, // outside window
    { id: "l3", productId: "p3", quantity: 3, priceCents: 200, rec: true }, // credited via linked visitor: 600
    { id: "l4", productId: "p4", quantity: 1, priceCents: 700, rec: true }, // impression only
    { id: "l5", productId: "p5", quantity: 1, priceCents: 800, rec: true }, // another shopper's click
    { id: "l6", productId: "p6", quantity: 1, priceCents: 300, rec: true }, // click after the order
    { id: "l7", productId: "p1", quantity: 5, priceCents: 100, rec: false }, // no property: never attributed
  ]);
  await order("o2", null, [{ id: "l8", productId: "p1", quantity: 1, priceCents: 5000, rec: true }]); // guest: cannot be linked
  await order("o3", "c1", [{ id: "l9", productId: "p1", quantity: 1, priceCents: 4000, rec: true }], new Date("2026-04-01T00:00:00Z")); // outside [from, to)
});

describe("attributedRevenue", () => {
  it("counts only property-tagged lines with a click or add-to-cart by the same shopper inside the window", async () => {
    const result = await attributedRevenue({ shop: SHOP, from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-31T00:00:00Z") });
    expect(result).toEqual({
      attributedCents: 1500 + 600,
      creditedLines: 2,
      uncreditedLines: 5,
      windowDays: 7,
      bySurface: { product: { cents: 2100, lines: 2 } },
      byArm: { personal: { cents: 2100, lines: 2 } },
    });
  });

  it("a longer window credits the older add-to-cart", async () => {
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: { ethics: { attributionWindowDays: 14 } } } });
    const result = await attributedRevenue({ shop: SHOP, from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-31T00:00:00Z") });
    expect(result.attributedCents).toBe(1500 + 600 + 900);
    expect(result.creditedLines).toBe(3);
  });
});
