import type { EthicsSettings } from "~/lib/ethics/settings";

export type PreferenceAlert = {
  kind: "opt_out_rate" | "not_interested_rate";
  rate: number;
  threshold: number;
  message: string;
};

/** Alerts when the opt-out rate or the "not interested" rate passes the merchant's threshold. */
export function preferenceAlerts(
  {
    shoppersReached,
    optOuts,
    personalImpressions,
    notInterested,
    segmentName,
  }: {
    /** Shoppers who were shown personalised recommendations in the period. */
    shoppersReached: number;
    /** Of those, how many switched personalisation off. */
    optOuts: number;
    personalImpressions: number;
    /** "Not interested" marks on personal recommendations in the period. */
    notInterested: number;
    /** Names the segment in the message when the counts are for one segment. */
    segmentName?: string;
  },
  settings: Pick<EthicsSettings, "optOutAlertRate" | "notInterestedAlertRate">,
  // Below these bases a handful of clicks would swing the rate past any threshold, so no alert is raised.
  { minShoppers = 100, minImpressions = 500 }: { minShoppers?: number; minImpressions?: number } = {},
): PreferenceAlert[] {
  const alerts: PreferenceAlert[] = [];
  const among = segmentName ? ` in the "${segmentName}" segment` : "";
  if (shoppersReached >= minShoppers) {
    const rate = optOuts / shoppersReached;
    if (rate > settings.optOutAlertRate) {
      alerts.push({
        kind: "opt_out_rate",
        rate,
        threshold: settings.optOutAlertRate,
        message:
          `${percent(rate)} of shoppers${among} who saw personalised recommendations turned personalisation off (your alert level is ${percent(settings.optOutAlertRate)}). ` +
          "Consider fewer personalised blocks per page, a lower weekly limit, or adding tags for products shoppers may find too personal.",
      });
    }
  }
  if (personalImpressions >= minImpressions) {
    const rate = notInterested / personalImpressions;
    if (rate > settings.notInterestedAlertRate) {
      alerts.push({
        kind: "not_interested_rate",
        rate,
        threshold: settings.notInterestedAlertRate,
        message:
          `${percent(rate)} of personalised recommendations${among} were marked "Not interested" (your alert level is ${percent(settings.notInterestedAlertRate)}). ` +
          "Check which products are dismissed most, and consider raising diversity or excluding them from recommendations.",
      });
    }
  }
  return alerts;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
