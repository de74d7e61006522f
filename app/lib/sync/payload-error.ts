import type { ZodError } from "zod";

/** Thrown when a Shopify payload lacks something we need; `issues` name the field paths. */
export class SyncPayloadError extends Error {
  readonly issues: string[];

  constructor(context: string, issues: string[]) {
    super(`${context}: ${issues.join("; ")}`);
    this.name = "SyncPayloadError";
    this.issues = issues;
  }
}

/** Formats zod issues as "line_items.0.price: message" so a log line points at the field. */
export function formatIssues(error: ZodError, prefix = ""): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    return `${path || "(root)"}: ${issue.message}`;
  });
}
