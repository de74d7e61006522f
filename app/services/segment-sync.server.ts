import { assertNoUserErrors, createAdminClient, type AdminClient } from "~/services/admin-api.server";
import { logger } from "~/logger.server";
import {
  clearPendingUntags,
  listPendingUntags,
  listSegmentRows,
  listTaggedMembers,
  listUntaggedMembers,
  markTagged,
  segmentTag,
} from "~/models/segments.server";

/** Customers per GraphQL document: each tagsAdd/tagsRemove costs 10 points, so 20 stay well under the 1,000 cap. */
const BATCH = 20;

type UserError = { field?: string[] | null; message: string };

function tagsDocument(mutation: "tagsAdd" | "tagsRemove", count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!`).join(", ");
  const fields = Array.from({ length: count }, (_, i) => `c${i}: ${mutation}(id: $id${i}, tags: $tags) { userErrors { field message } }`).join("\n  ");
  return `mutation SegmentTags($tags: [String!]!, ${variables}) {\n  ${fields}\n}`;
}

export function customerGid(customerId: string): string {
  return `gid://shopify/Customer/${customerId}`;
}

/**
 * Adds or removes one tag on up to BATCH customers in one document. A customer Shopify no longer
 * has (userError on `id`) counts as done, since there is nothing left to tag; any other userError
 * throws so the job retries.
 */
async function changeTags(client: AdminClient, mutation: "tagsAdd" | "tagsRemove", tag: string, customerIds: string[]) {
  const variables: Record<string, unknown> = { tags: [tag] };
  customerIds.forEach((id, i) => (variables[`id${i}`] = customerGid(id)));
  const data = await client.query<Record<string, { userErrors: UserError[] } | null>>(tagsDocument(mutation, customerIds.length), variables);
  customerIds.forEach((id, i) => {
    const errors = data?.[`c${i}`]?.userErrors ?? [];
    const missing = errors.filter((error) => error.field?.[0] === "id");
    if (missing.length > 0) logger.warn({ customerId: id, tag, errors: missing.map((e) => e.message) }, "customer not tagged: unknown to Shopify");
    assertNoUserErrors(errors.filter((error) => error.field?.[0] !== "id"), `${mutation} ${tag} on customer ${id}`);
  });
}

/**
 * Pushes segment membership to Shopify as customer tags `shopkeeper-<handle>`: members of synced
 * segments get the tag, leavers and members of unsynced segments lose it. SegmentMember.taggedAt
 * records what Shopify has, so re-running only sends what is still missing.
 */
export async function syncSegmentTags({ shop, client, now = () => new Date() }: { shop: string; client?: AdminClient; now?: () => Date }) {
  const admin = client ?? (await createAdminClient(shop, { expectedCost: 10 * BATCH + 10 }));
  let added = 0;
  let removed = 0;

  // Removals first, so that a customer who left and came back ends up with the tag.
  for (;;) {
    const pending = await listPendingUntags({ shop, take: BATCH });
    if (pending.length === 0) break;
    const tag = pending[0].tag;
    const ids = pending.filter((row) => row.tag === tag).map((row) => row.customerId);
    await changeTags(admin, "tagsRemove", tag, ids);
    await clearPendingUntags({ shop, tag, customerIds: ids });
    removed += ids.length;
  }

  for (const segment of await listSegmentRows({ shop })) {
    const tag = segmentTag(segment.handle);
    for (;;) {
      const rows = segment.syncToShopify
        ? await listUntaggedMembers({ shop, segmentId: segment.id, take: BATCH })
        : await listTaggedMembers({ shop, segmentId: segment.id, take: BATCH });
      if (rows.length === 0) break;
      const ids = rows.map((row) => row.customerId);
      await changeTags(admin, segment.syncToShopify ? "tagsAdd" : "tagsRemove", tag, ids);
      await markTagged({ shop, segmentId: segment.id, customerIds: ids, at: segment.syncToShopify ? now() : null });
      if (segment.syncToShopify) added += ids.length;
      else removed += ids.length;
    }
  }
  return { added, removed };
}

