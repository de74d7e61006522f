import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  catalogueCoverage,
  exposureGiniByProduct,
  exposureGiniByVendor,
  exposureReport,
  exposureReportBySegment,
  giniCoefficient,
  intraListDiversity,
  newProductExposureShare,
  NO_SEGMENT,
  productDissimilarity,
  type CatalogueItem,
  type ImpressionRecord,
} from "~/lib/ethics/exposure";

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1);

const catalogue: CatalogueItem[] = [
  { id: "p1", vendor: "A", productType: "Shirt", collections: ["summer", "tops"], createdAt: now - 5 * DAY },
  { id: "p2", vendor: "A", productType: "Shirt", collections: ["tops"], createdAt: new Date(now - 40 * DAY) },
  { id: "p3", vendor: "B", productType: "Mug", collections: ["kitchen"], createdAt: now - 10 * DAY },
  { id: "p4", vendor: "C", productType: "mug", collections: ",kitchen,gifts,", createdAt: now - 100 * DAY },
];

// Lists L1 = [p1, p2, p3] and L2 = [p1, p3] for "vip", L3 = [p1] unsegmented, and two loose impressions for "new"
// (one of a product no longer in the catalogue). Counts: p1 3, p2 2, p3 2, p4 0.
const impressions: ImpressionRecord[] = [
  { productId: "p1", listId: "L1", segment: "vip" },
  { productId: "p2", listId: "L1", segment: "vip" },
  { productId: "p3", listId: "L1", segment: "vip" },
  { productId: "p1", listId: "L2", segment: "vip" },
  { productId: "p3", listId: "L2", segment: "vip" },
  { productId: "p1", listId: "L3" },
  { productId: "p2", segment: "new" },
  { productId: "gone", segment: "new" },
];

function bruteForceGini(values: number[]): number {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (mean === 0) return 0;
  let sum = 0;
  for (const a of values) for (const b of values) sum += Math.abs(a - b);
  return sum / (2 * n * n * mean);
}

describe("giniCoefficient", () => {
  it("matches hand-computed values", () => {
    // [0,0,0,1]: Σ|xᵢ − xⱼ| over ordered pairs = 6, 2n²·mean = 8 → 0.75 (the maximum (n − 1)/n for n = 4).
    expect(giniCoefficient([0, 0, 0, 1])).toBeCloseTo(0.75, 12);
    expect(giniCoefficient([1, 2, 3, 4])).toBeCloseTo(0.25, 12);
    expect(giniCoefficient([5, 5, 5])).toBe(0);
    expect(giniCoefficient([0, 0])).toBe(0);
    expect(giniCoefficient([])).toBe(0);
    expect(() => giniCoefficient([1, -1])).toThrow(/non-negative/);
  });

  it("agrees with the O(n²) definition, ignores scale and order, and stays within [0, 1 − 1/n]", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (values, scale) => {
        const g = giniCoefficient(values);
        expect(g).toBeCloseTo(bruteForceGini(values), 10);
        expect(giniCoefficient(values.map((v) => v * scale))).toBeCloseTo(g, 10);
        expect(giniCoefficient([...values].reverse())).toBeCloseTo(g, 10);
        expect(g).toBeGreaterThanOrEqual(-1e-12);
        expect(g).toBeLessThanOrEqual(1 - 1 / values.length + 1e-12);
      }),
    );
  });
});

describe("exposure measures", () => {
  it("coverage counts catalogue products shown at least once", () => {
    expect(catalogueCoverage(impressions, catalogue)).toBe(0.75);
    expect(catalogueCoverage([], catalogue)).toBe(0);
    expect(catalogueCoverage(impressions, [])).toBe(0);
  });

  it("product Gini counts never-shown products as zeros and ignores unknown products", () => {
    // Counts [3, 2, 2, 0]: Σ|diffs| over ordered pairs = 18, 2n²·mean = 56 → 9/28.
    expect(exposureGiniByProduct(impressions, catalogue)).toBeCloseTo(9 / 28, 12);
  });

  it("vendor Gini sums products per vendor and keeps unshown vendors", () => {
    // Vendors A 5, B 2, C 0: Σ|diffs| over ordered pairs = 20, 2n²·mean = 42 → 10/21.
    expect(exposureGiniByVendor(impressions, catalogue)).toBeCloseTo(10 / 21, 12);
  });

  it("new-product share uses the 30 days before now", () => {
    // p1 (5 days old) and p3 (10 days) are new: 5 of the 7 catalogue impressions; 2 of 4 products.
    expect(newProductExposureShare(impressions, catalogue, { now })).toEqual({ share: 5 / 7, catalogueShare: 0.5 });
    // With a 7-day window only p1 is new: 3 of 7.
    expect(newProductExposureShare(impressions, catalogue, { now: new Date(now), windowDays: 7 }).share).toBeCloseTo(3 / 7, 12);
    // Twenty days earlier, p1 and p3 did not exist yet and p2 was 20 days old: 2 of 7.
    expect(newProductExposureShare(impressions, catalogue, { now: now - 20 * DAY })).toEqual({ share: 2 / 7, catalogueShare: 0.25 });
  });

  it("dissimilarity is 1 − Jaccard over type and collections, case-insensitive", () => {
    // p1 {shirt, summer, tops} vs p2 {shirt, tops}: 2 shared of 3 → 1/3. p3 {mug, kitchen} vs p4 {mug, kitchen, gifts} → 1/3.
    expect(productDissimilarity(catalogue[0], catalogue[1])).toBeCloseTo(1 / 3, 12);
    expect(productDissimilarity(catalogue[2], catalogue[3])).toBeCloseTo(1 / 3, 12);
    expect(productDissimilarity(catalogue[0], catalogue[2])).toBe(1);
    const bare = { id: "x", vendor: "", productType: "", collections: [], createdAt: 0 };
    expect(productDissimilarity(bare, { ...bare, id: "y" })).toBe(0);
  });

  it("intra-list diversity averages per-list mean pairwise dissimilarity", () => {
    // L1: (1/3 + 1 + 1)/3 = 7/9; L2: 1; L3 has one item and is skipped → (7/9 + 1)/2 = 8/9.
    expect(intraListDiversity([["p1", "p2", "p3"], ["p1", "p3"], ["p1"]], catalogue)).toBeCloseTo(8 / 9, 12);
    expect(intraListDiversity([["p1"], ["p1", "unknown"]], catalogue)).toBeNull();
  });

  it("builds the full report from impression records, overall and per segment", () => {
    const overall = exposureReport({ impressions, catalogue, now });
    expect(overall).toEqual({
      impressions: 8,
      coverage: 0.75,
      giniByProduct: expect.closeTo(9 / 28, 12),
      giniByVendor: expect.closeTo(10 / 21, 12),
      newProductShare: 5 / 7,
      newCatalogueShare: 0.5,
      intraListDiversity: expect.closeTo(8 / 9, 12),
      lists: 3,
    });
    const { bySegment } = exposureReportBySegment({ impressions, catalogue, now });
    expect(Object.keys(bySegment)).toEqual([NO_SEGMENT, "new", "vip"]);
    expect(bySegment.vip.coverage).toBe(0.75);
    expect(bySegment.vip.intraListDiversity).toBeCloseTo(8 / 9, 12);
    // vip counts [2, 1, 2, 0]: Σ|diffs| over ordered pairs = 2·(1 + 0 + 2 + 1 + 1 + 2) = 14, 2n²·mean = 40 → 0.35.
    expect(bySegment.vip.giniByProduct).toBeCloseTo(0.35, 12);
    expect(bySegment[NO_SEGMENT]).toMatchObject({ impressions: 1, coverage: 0.25, intraListDiversity: null, newProductShare: 1 });
    expect(bySegment.new).toMatchObject({ impressions: 2, coverage: 0.25, newProductShare: 0, lists: 0 });
  });
});
