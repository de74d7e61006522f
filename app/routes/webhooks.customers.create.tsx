import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhooks.server";

// customers/create: verified, recorded and queued; app/jobs/processors/webhook.server.ts applies it.
export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request);
