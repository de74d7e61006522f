import { describe, expect, it } from "vitest";
import { defaultEthicsSettings, ethicsSettingsSchema, readEthicsSettings } from "~/lib/ethics/settings";
import { isSensitiveProduct, sensitiveProductIds } from "~/lib/ethics/sensitive";

describe("ethicsSettingsSchema", () => {
  it("fills every field with a safe default", () => {
    expect(defaultEthicsSettings).toEqual({
      consentRequired: true,
      personalisationEnabled: true,
      surfaces: { product: true, home: true, collection: true, cart: true, account: true },
      sensitiveTags: ["health", "intimate", "baby"],
      sensitiveCollections: [],
      minPairOrders: 3,
      minCustomerOrders: 1,
      maxPersonalBlocksPerPage: 2,
      maxPersonalOffersPerShopperPerWeek: 50,
      diversity: 0.3,
      discoverySlots: 1,
      eventRetentionDays: 90,
      attributionWindowDays: 7,
      optOutAlertRate: 0.05,
      notInterestedAlertRate: 0.02,
    });
    expect(ethicsSettingsSchema.parse({ surfaces: { cart: false } }).surfaces).toEqual({
      product: true,
      home: true,
      collection: true,
      cart: false,
      account: true,
    });
  });

  it("normalises tag and collection lists", () => {
    const s = ethicsSettingsSchema.parse({ sensitiveTags: [" Health ", "health", "CBD"], sensitiveCollections: ["Adult"] });
    expect(s.sensitiveTags).toEqual(["health", "cbd"]);
    expect(s.sensitiveCollections).toEqual(["adult"]);
  });

  it("explains invalid values in terms a merchant can act on", () => {
    const result = ethicsSettingsSchema.safeParse({
      diversity: 1.5,
      minPairOrders: 1,
      maxPersonalBlocksPerPage: 2.5,
      sensitiveTags: [""],
      optOutAlertRate: 0,
      surfaces: { home: "yes" },
    });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(messages.diversity).toBe("Diversity must be between 0 (rank by relevance only) and 1 (most varied).");
    expect(messages.minPairOrders).toMatch(/^Minimum orders per product pair must be at least 2\. .*3 is a good start\.$/);
    expect(messages.maxPersonalBlocksPerPage).toBe("Personal blocks per page must be a whole number.");
    expect(messages["sensitiveTags.0"]).toBe("Remove the empty sensitive tag, or type a name for it.");
    expect(messages.optOutAlertRate).toMatch(/more than 0 and at most 1 \(0\.05 means 5%\)/);
    expect(messages["surfaces.home"]).toBe("Choose whether personalised blocks may appear on the home page.");
    for (const message of Object.values(messages)) expect(message).not.toMatch(/Expected|received/);
  });

  it("repairs a damaged stored document field by field", () => {
    const s = readEthicsSettings({ diversity: 7, consentRequired: false, sensitiveTags: "health" });
    expect(s.diversity).toBe(0.3);
    expect(s.consentRequired).toBe(false);
    expect(s.sensitiveTags).toEqual(["health", "intimate", "baby"]);
    expect(readEthicsSettings(null)).toEqual(defaultEthicsSettings);
  });
});

describe("isSensitiveProduct", () => {
  const settings = { ...defaultEthicsSettings, sensitiveCollections: ["baby-gear"] };

  it("matches whole tags case-insensitively, in array or stored ',a,b,' form", () => {
    expect(isSensitiveProduct({ tags: ["Sale", "HEALTH"] }, settings)).toBe(true);
    expect(isSensitiveProduct({ tags: ",sale,intimate," }, settings)).toBe(true);
    expect(isSensitiveProduct({ tags: ["healthy", "babyish"] }, settings)).toBe(false);
  });

  it("matches sensitive collections", () => {
    expect(isSensitiveProduct({ tags: [], collections: ",Baby-Gear," }, settings)).toBe(true);
    expect(isSensitiveProduct({ tags: [], collections: ["gear"] }, settings)).toBe(false);
    expect(isSensitiveProduct({ tags: [], collections: ["baby-gear"] }, defaultEthicsSettings)).toBe(false);
  });

  it("collects sensitive ids from a catalogue", () => {
    const products = [
      { id: "1", tags: ["health"] },
      { id: "2", tags: ["mugs"] },
      { id: "3", tags: [], collections: ["baby-gear"] },
    ];
    expect([...sensitiveProductIds(products, settings)]).toEqual(["1", "3"]);
  });
});
