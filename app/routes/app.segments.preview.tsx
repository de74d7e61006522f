import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { previewSegment } from "~/services/segments.server";

const input = z.object({ rule: z.string().max(5_000, "Rules are limited to 5,000 characters.") });

// Live preview for the editor: POST { rule } → count, total and a sample, or 422 with rule errors.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = input.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) {
    return json({ ok: false as const, errors: [{ field: "rule", message: parsed.error.issues[0].message, line: null, column: null, hint: null }] }, { status: 400 });
  }
  if (parsed.data.rule.trim() === "") {
    return json({ ok: false as const, errors: [{ field: "rule", message: "Write a rule, for example: amount_spent > 100", line: null, column: null, hint: null }] }, { status: 422 });
  }
  const preview = await previewSegment({ shop: session.shop, rule: parsed.data.rule });
  if (!preview.ok) return json(preview, { status: 422 });
  return json(preview);
};
