import { describe, expect, it } from "vitest";
import { readShopSettings } from "~/lib/settings/shop-settings";
import { defaultEthicsSettings } from "~/lib/ethics/settings";

describe("readShopSettings", () => {
  it("gives safe defaults for an empty document", () => {
    const settings = readShopSettings({});
    expect(settings.ethics).toEqual(defaultEthicsSettings);
    expect(settings.ethics.consentRequired).toBe(true);
    expect(settings.roi).toEqual({ grossMarginPct: 40, appCostCents: 0 });
  });

  it("keeps valid values and replaces only damaged sections", () => {
    const settings = readShopSettings({ ethics: { sensitiveTags: ["pharmacy"] }, roi: { grossMarginPct: 250 } });
    expect(settings.ethics.sensitiveTags).toEqual(["pharmacy"]);
    expect(settings.roi.grossMarginPct).toBe(40);
    expect(readShopSettings("garbage").ethics).toEqual(defaultEthicsSettings);
  });
});
