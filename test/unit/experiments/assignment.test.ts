import { describe, expect, it } from "vitest";
import { assignArm, assignmentUnitId, HOLDOUT_ARM, plannedArmShares } from "~/lib/experiments/assignment";
import { fnv1a32, hashToUnit } from "~/lib/experiments/hash";

const shop = "demo.myshopify.com";
const arms = [
  { key: "control", weight: 1 },
  { key: "personal", weight: 1 },
];

function countArms(n: number, input: Omit<Parameters<typeof assignArm>[0], "unitId">) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const result = assignArm({ ...input, unitId: `v:${i}` });
    const key = result.enrolled ? result.arm : "not-enrolled";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("hash", () => {
  it("matches published FNV-1a 32-bit test vectors", () => {
    // Vectors from the FNV reference test suite (isthe.com/chongo/tech/comp/fnv).
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("hashes non-ASCII text as UTF-8 bytes", () => {
    // "é" is the two bytes C3 A9; hashing by hand: ((basis ^ 0xc3) * prime ^ 0xa9) * prime.
    let h = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) h = Math.imul(h ^ byte, 0x01000193);
    expect(fnv1a32("é")).toBe(h >>> 0);
  });

  it("spreads sequential ids evenly over [0, 1)", () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) buckets[Math.floor(hashToUnit(`visitor-${i}`) * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});

describe("assignArm", () => {
  it("is deterministic and sticky for the same shopper", () => {
    const input = { shop, experimentId: "exp-1", unitId: "c:42", arms };
    const first = assignArm(input);
    for (let i = 0; i < 5; i++) expect(assignArm(input)).toEqual(first);
  });

  it("depends on shop and experiment, so shoppers are reshuffled between experiments", () => {
    let differentExperiment = 0;
    let differentShop = 0;
    for (let i = 0; i < 1000; i++) {
      const a = assignArm({ shop, experimentId: "exp-1", unitId: `v:${i}`, arms, holdoutPct: 0 });
      const b = assignArm({ shop, experimentId: "exp-2", unitId: `v:${i}`, arms, holdoutPct: 0 });
      const c = assignArm({ shop: "other.myshopify.com", experimentId: "exp-1", unitId: `v:${i}`, arms, holdoutPct: 0 });
      if (JSON.stringify(a) !== JSON.stringify(b)) differentExperiment++;
      if (JSON.stringify(a) !== JSON.stringify(c)) differentShop++;
    }
    // Independent 50/50 assignments disagree about half the time.
    expect(differentExperiment).toBeGreaterThan(430);
    expect(differentExperiment).toBeLessThan(570);
    expect(differentShop).toBeGreaterThan(430);
    expect(differentShop).toBeLessThan(570);
  });

  it("puts 10% in the holdout by default and splits the rest by weight", () => {
    const counts = countArms(40_000, { shop, experimentId: "exp-w", arms: [{ key: "control", weight: 1 }, { key: "personal", weight: 3 }] });
    expect(counts[HOLDOUT_ARM] / 40_000).toBeCloseTo(0.1, 2);
    expect(counts.control / 40_000).toBeCloseTo(0.225, 2);
    expect(counts.personal / 40_000).toBeCloseTo(0.675, 2);
    expect(counts["not-enrolled"]).toBeUndefined();
  });

  it("supports multi-arm tests with no holdout", () => {
    const three = [
      { key: "a", weight: 1 },
      { key: "b", weight: 1 },
      { key: "c", weight: 2 },
    ];
    const counts = countArms(40_000, { shop, experimentId: "exp-m", arms: three, holdoutPct: 0 });
    expect(Object.keys(counts).sort()).toEqual(["a", "b", "c"]);
    expect(counts.c / 40_000).toBeCloseTo(0.5, 2);
    expect(counts.a / 40_000).toBeCloseTo(0.25, 2);
  });

  it("keeps everyone enrolled at 10% rollout in the same arm when the rollout grows to 20%", () => {
    const before = new Map<string, string>();
    for (let i = 0; i < 10_000; i++) {
      const r = assignArm({ shop, experimentId: "exp-r", unitId: `v:${i}`, arms, rolloutPct: 10 });
      if (r.enrolled) before.set(`v:${i}`, r.arm);
    }
    let enrolledAfter = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = assignArm({ shop, experimentId: "exp-r", unitId: `v:${i}`, arms, rolloutPct: 20 });
      if (r.enrolled) enrolledAfter++;
      if (before.has(`v:${i}`)) expect(r).toEqual({ enrolled: true, arm: before.get(`v:${i}`) });
    }
    expect(before.size / 10_000).toBeCloseTo(0.1, 1);
    expect(enrolledAfter / 10_000).toBeCloseTo(0.2, 1);
  });

  it("keeps existing holdout members held out when the holdout grows", () => {
    for (let i = 0; i < 2000; i++) {
      const small = assignArm({ shop, experimentId: "exp-h", unitId: `v:${i}`, arms, holdoutPct: 5 });
      const large = assignArm({ shop, experimentId: "exp-h", unitId: `v:${i}`, arms, holdoutPct: 15 });
      if (small.enrolled && small.arm === HOLDOUT_ARM) expect(large).toEqual(small);
    }
  });

  it("rejects a reserved or duplicate arm key and non-positive weights", () => {
    expect(() => assignArm({ shop, experimentId: "x", unitId: "v:1", arms: [{ key: HOLDOUT_ARM, weight: 1 }] })).toThrow(/reserved/);
    expect(() => assignArm({ shop, experimentId: "x", unitId: "v:1", arms: [{ key: "a", weight: 1 }, { key: "a", weight: 1 }] })).toThrow(/twice/);
    expect(() => assignArm({ shop, experimentId: "x", unitId: "v:1", arms: [{ key: "a", weight: 0 }] })).toThrow(/positive weight/);
  });
});

describe("helpers", () => {
  it("prefers the customer id over the visitor id", () => {
    expect(assignmentUnitId({ customerId: "7", visitorId: "abc" })).toBe("c:7");
    expect(assignmentUnitId({ visitorId: "abc" })).toBe("v:abc");
    expect(assignmentUnitId({})).toBeNull();
  });

  it("plans shares that include the holdout and sum to 1", () => {
    expect(plannedArmShares([{ key: "control", weight: 1 }, { key: "personal", weight: 1 }], 10)).toEqual({
      control: 0.45,
      personal: 0.45,
      holdout: 0.1,
    });
    expect(plannedArmShares([{ key: "a", weight: 3 }, { key: "b", weight: 1 }], 0)).toEqual({ a: 0.75, b: 0.25 });
  });
});
