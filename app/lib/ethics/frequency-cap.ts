import { toMillis } from "~/lib/ethics/list-values";
import type { EthicsSettings } from "~/lib/ethics/settings";

const WEEK_MS = 7 * 86_400_000;

export type FrequencyCapDecision = {
  allowed: boolean;
  /** Why not, when not allowed. */
  reason?: "personalisation_off" | "page_limit" | "weekly_limit";
  remainingOnPage: number;
  remainingThisWeek: number;
};

/** Whether one more personal block may be shown to this shopper on this page, under the per-page and weekly caps. */
export function personalBlockAllowance({
  recentOffers,
  blocksOnPage,
  now,
  settings,
}: {
  /** When this shopper was shown personal recommendations; older entries are ignored. */
  recentOffers: readonly (Date | number)[];
  /** Personal blocks already rendered on the current page. */
  blocksOnPage: number;
  now: Date | number;
  settings: Pick<EthicsSettings, "personalisationEnabled" | "maxPersonalBlocksPerPage" | "maxPersonalOffersPerShopperPerWeek">;
}): FrequencyCapDecision {
  const nowMs = toMillis(now);
  // A rolling seven days rather than a calendar week, so a shopper can't get two weeks' worth of
  // offers either side of a Monday midnight.
  const since = nowMs - WEEK_MS;
  const thisWeek = recentOffers.filter((at) => {
    const ms = toMillis(at);
    return ms > since && ms <= nowMs;
  }).length;
  const remainingOnPage = Math.max(0, settings.maxPersonalBlocksPerPage - blocksOnPage);
  const remainingThisWeek = Math.max(0, settings.maxPersonalOffersPerShopperPerWeek - thisWeek);
  if (!settings.personalisationEnabled) return { allowed: false, reason: "personalisation_off", remainingOnPage: 0, remainingThisWeek: 0 };
  if (remainingOnPage === 0) return { allowed: false, reason: "page_limit", remainingOnPage, remainingThisWeek };
  if (remainingThisWeek === 0) return { allowed: false, reason: "weekly_limit", remainingOnPage, remainingThisWeek };
  return { allowed: true, remainingOnPage, remainingThisWeek };
}
