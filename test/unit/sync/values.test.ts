import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeList,
  encodeList,
  encodeTagString,
  gidType,
  isNewer,
  legacyIdFromGid,
  parseDecimalToCents,
  parseTimestamp,
} from "~/lib/sync/values";

describe("parseDecimalToCents", () => {
  it.each([
    ["2.55", 255],
    ["0.1", 10],
    ["19.99", 1999],
    ["1", 100],
    ["  7.5 ", 750],
    ["-3.5", -350],
    ["+4.00", 400],
    [".5", 50],
    ["12.", 1200],
    ["1.005", 101],
    ["1.0049", 100],
    ["-1.005", -101],
    ["0.000", 0],
  ])("%j → %i", (input, cents) => {
    expect(parseDecimalToCents(input)).toBe(cents);
  });

  it("reads JSON numbers through their decimal text, not by multiplying floats", () => {
    // 0.29 * 100 === 28.999999999999996 and 4.35 * 100 === 434.99999999999994 in IEEE doubles.
    expect(parseDecimalToCents(0.29)).toBe(29);
    expect(parseDecimalToCents(4.35)).toBe(435);
    expect(parseDecimalToCents(195.67)).toBe(19567);
  });

  it.each(["", "abc", "1.2.3", ".", "1,50", "1e3", "£2", "--1"])("rejects %j", (input) => {
    expect(parseDecimalToCents(input)).toBeNull();
  });

  it("round-trips every amount written with two decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000_00, max: 10_000_000_00 }), (cents) => {
        const abs = Math.abs(cents);
        const text = `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
        expect(parseDecimalToCents(text)).toBe(cents);
      }),
    );
  });
});

describe("parseTimestamp", () => {
  it.each([
    ["2010-12-01 08:26:00 +0000", "2010-12-01T08:26:00.000Z"],
    ["2026-03-02T10:15:00-05:00", "2026-03-02T15:15:00.000Z"],
    ["2026-03-01T12:00:00.250Z", "2026-03-01T12:00:00.250Z"],
    ["2024-06-30T23:30:00+05:30", "2024-06-30T18:00:00.000Z"],
    ["2014-01-01", "2014-01-01T00:00:00.000Z"],
    ["2024-02-29 12:00", "2024-02-29T12:00:00.000Z"],
  ])("%s → %s", (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each(["2023-02-29T00:00:00Z", "2010-13-01 08:26:00 +0000", "2010-12-01 25:00:00", "yesterday", "", "12/01/2010"])(
    "rejects %j",
    (input) => {
      expect(parseTimestamp(input)).toBeNull();
    },
  );
});

describe("ids", () => {
  it("takes the legacy id and type from a GID", () => {
    expect(legacyIdFromGid("gid://shopify/Order/123")).toBe("123");
    expect(legacyIdFromGid("gid://shopify/LineItem/9?inline=true")).toBe("9");
    expect(gidType("gid://shopify/ProductVariant/1")).toBe("ProductVariant");
    expect(legacyIdFromGid("123")).toBeNull();
    expect(legacyIdFromGid("gid://shopify/Order/abc")).toBeNull();
  });
});

describe("list columns", () => {
  it("encodes trimmed, lowercased, de-duplicated values between commas", () => {
    expect(encodeList([" Summer", "sale", "SUMMER", "", "a,b"])).toBe(",summer,sale,");
    expect(encodeList([])).toBe(",");
    expect(encodeTagString("Linen, kitchen ,Gift Ideas,linen")).toBe(",linen,kitchen,gift ideas,");
    expect(encodeTagString("")).toBe(",");
    expect(encodeTagString(null)).toBe(",");
    expect(decodeList(",linen,gift ideas,")).toEqual(["linen", "gift ideas"]);
    expect(decodeList(",")).toEqual([]);
  });
});

describe("isNewer", () => {
  const stored = new Date("2026-03-02T15:16:02Z");
  it("never lets an older update overwrite a newer one", () => {
    expect(isNewer("2026-03-02T10:16:01-05:00", stored)).toBe(false);
    expect(isNewer(new Date("2026-03-02T15:16:01.999Z"), stored)).toBe(false);
  });
  it("applies newer updates, ties (idempotent redelivery) and first sightings", () => {
    expect(isNewer("2026-03-02T10:16:02-05:00", stored)).toBe(true);
    expect(isNewer("2026-03-05T09:00:00-05:00", stored)).toBe(true);
    expect(isNewer("2026-03-05T09:00:00-05:00", null)).toBe(true);
    expect(isNewer("2026-03-05T09:00:00-05:00", undefined)).toBe(true);
  });
  it("refuses an unparseable incoming timestamp", () => {
    expect(isNewer("not a date", stored)).toBe(false);
  });
});
