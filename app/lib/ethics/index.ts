export * from "~/lib/ethics/alerts";
export * from "~/lib/ethics/explain";
export * from "~/lib/ethics/exposure";
export * from "~/lib/ethics/frequency-cap";
export * from "~/lib/ethics/list-values";
export * from "~/lib/ethics/sensitive";
export * from "~/lib/ethics/settings";
