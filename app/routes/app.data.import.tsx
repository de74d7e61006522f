import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  NodeOnDiskFile,
  unstable_createFileUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { importOrderExport, OrderImportFileError } from "~/services/order-import.server";
import { MAX_UPLOAD_BYTES, type ImportActionData } from "~/components/DataImportCard";
import { BODY_LIMITS, BodyTooLargeError, streamWithin } from "~/services/body-limit.server";

// The order-export upload: streamed to a temporary file (never held in memory), imported, removed.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const tooLarge = () =>
    json<ImportActionData>(
      { ok: false, error: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Compress it with gzip, or use npm run import:orders.` },
      { status: 413 },
    );

  let form: FormData;
  let uploadedName = "";
  let tempName = "";
  try {
    // Cut off at the limit whether or not the client declared a Content-Length.
    form = await unstable_parseMultipartFormData(
      streamWithin(request, BODY_LIMITS.upload),
      unstable_createFileUploadHandler({
        directory: tmpdir(),
        maxPartSize: MAX_UPLOAD_BYTES,
        filter: ({ name }) => name === "file",
        file: ({ filename }) => {
          uploadedName = filename;
          tempName = `shopkeeper-import-${crypto.randomUUID()}${filename.endsWith(".gz") ? ".csv.gz" : ".csv"}`;
          return tempName;
        },
      }),
    );
  } catch (error) {
    // Remix removes the part file only when the part itself is too large, not when the body stream fails.
    if (tempName) await rm(join(tmpdir(), tempName), { force: true });
    if (error instanceof MaxPartSizeExceededError || error instanceof BodyTooLargeError) return tooLarge();
    return json<ImportActionData>({ ok: false, error: "The upload could not be read. Send the file as multipart/form-data in a field named file." }, { status: 400 });
  }
  const file = form.get("file");
  if (!(file instanceof NodeOnDiskFile) || file.size === 0) {
    return json<ImportActionData>({ ok: false, error: "Choose the CSV from Orders → Export in your Shopify admin." }, { status: 400 });
  }
  const path = file.getFilePath();
  try {
    const summary = await importOrderExport({ shop: session.shop, input: path });
    return json<ImportActionData>({ ok: true, fileName: uploadedName, summary });
  } catch (error) {
    if (error instanceof OrderImportFileError) {
      return json<ImportActionData>({ ok: false, fileName: uploadedName, error: error.message, errors: error.errors }, { status: 422 });
    }
    throw error;
  } finally {
    await rm(path, { force: true });
  }
};
