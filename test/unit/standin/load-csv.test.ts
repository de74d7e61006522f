import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { derivePrice } from "../../standin/derive";
import { loadStoreFromNormalisedCsv } from "../../standin/load-csv";

const CSV = `order_id,customer_id,created_at,product_id,product_title,quantity,unit_price
A1,c1,2024-01-02T10:00:00Z,P1,BABY BIB SET,2,3.00
A1,c1,2024-01-02T10:00:00Z,P2,red wine glass,1,
A2,anon-A2,2024-01-03T10:00:00Z,P1,BABY BIB SET,1,2.50
A3,c1,2024-01-01T09:00:00Z,P3,FIRST AID KIT,4,1.25
`;

describe("loadStoreFromNormalisedCsv", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "standin-csv-"));
  const plain = path.join(dir, "orders.csv");
  const gz = path.join(dir, "orders.csv.gz");
  writeFileSync(plain, CSV);
  writeFileSync(gz, gzipSync(CSV));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds products, customers and orders, deriving what the data lacks", async () => {
    const store = await loadStoreFromNormalisedCsv(gz, { shop: "csv-shop.myshopify.com", seed: 1 });
    const shop = store.shop("csv-shop.myshopify.com");
    expect([shop.products.size, shop.customers.size, shop.orders.size]).toEqual([3, 1, 3]);

    const bib = shop.requireProduct(shop.sourceIds.products.get("P1")!);
    expect(bib).toMatchObject({ title: "BABY BIB SET", productType: "Baby", tags: ["baby"], createdAt: "2024-01-02T10:00:00Z" });
    expect(bib.variants[0]).toMatchObject({ sku: "P1", price: "3.00" });
    const wine = shop.requireProduct(shop.sourceIds.products.get("P2")!);
    expect([wine.productType, wine.tags]).toEqual(["Drinks", ["alcohol"]]);
    expect(wine.variants[0].price).toBe(derivePrice("P2", 1));
    const kit = shop.requireProduct(shop.sourceIds.products.get("P3")!);
    expect([kit.productType, kit.tags]).toEqual(["Health & Beauty", ["health"]]);

    const customer = shop.requireCustomer(shop.sourceIds.customers.get("c1")!);
    expect(customer).toMatchObject({ email: "customer-c1@example.com", createdAt: "2024-01-01T09:00:00Z", numberOfOrders: 2 });
    // 2 × 3.00 + 1 × (derived wine price) + 4 × 1.25
    expect(customer.amountSpentCents).toBe(600 + Math.round(Number(derivePrice("P2", 1)) * 100) + 500);

    const guest = shop.requireOrder(shop.sourceIds.orders.get("A2")!);
    expect([guest.name, guest.customerId, guest.lineItems[0].price]).toEqual(["#1002", null, "2.50"]);
    expect(shop.requireOrder(shop.sourceIds.orders.get("A3")!).name).toBe("#1003");
  });

  it("reads plain CSV the same way and is deterministic", async () => {
    const a = (await loadStoreFromNormalisedCsv(plain, { seed: 7 })).defaultShop();
    const b = (await loadStoreFromNormalisedCsv(gz, { seed: 7 })).defaultShop();
    const summary = (shop: typeof a) => ({
      products: [...shop.products.values()].map((p) => [p.vendor, p.variants[0].inventoryQuantity, p.collectionIds.length]),
      customers: [...shop.customers.values()].map((c) => [c.countryCode, c.marketingState]),
    });
    expect(summary(a)).toEqual(summary(b));
  });

  it("keeps only the first N orders", async () => {
    const shop = (await loadStoreFromNormalisedCsv(plain, { maxOrders: 2 })).defaultShop();
    expect([shop.orders.size, shop.products.size, [...shop.sourceIds.products.keys()]]).toEqual([2, 2, ["P1", "P2"]]);
  });
});
