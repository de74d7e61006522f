import { z } from "zod";
import { ethicsSettingsSchema, readEthicsSettings } from "~/lib/ethics/settings";

// The shop's settings document (Shop.settings). Every section has safe defaults, so an empty or
// partly damaged document always reads back complete.
const roiSectionSchema = z.object({
  grossMarginPct: z.number().min(0, "Gross margin can't be negative").max(100, "Gross margin is a percentage up to 100").default(40),
  appCostCents: z.number().int().min(0, "App cost can't be negative").default(0),
});

export const shopSettingsSchema = z.object({
  ethics: ethicsSettingsSchema.default({}),
  roi: roiSectionSchema.default({}),
});

export type ShopSettings = z.infer<typeof shopSettingsSchema>;

/** Parses a stored settings document; a damaged section falls back to its defaults, field by field for ethics. */
export function readShopSettings(stored: unknown): ShopSettings {
  const raw = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const roi = roiSectionSchema.safeParse(raw.roi ?? {});
  return {
    ethics: readEthicsSettings(raw.ethics ?? {}),
    roi: roi.success ? roi.data : roiSectionSchema.parse({}),
  };
}
