import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";

export interface CsvRow {
  /** 1-based line number of the record in the file, counting the header as line 1. */
  line: number;
  row: Record<string, string>;
}

/** Streams a CSV (optionally gzipped, by magic bytes) as header-keyed records; never buffers the file. */
export async function* readCsvRows(input: string | Readable): AsyncGenerator<CsvRow> {
  const source = typeof input === "string" ? createReadStream(input) : input;
  const stream = await maybeGunzip(source);
  const parser = parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipe() does not forward errors: without this a truncated .gz leaves the reader waiting forever.
  stream.on("error", (error) => parser.destroy(error));
  stream.pipe(parser);
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: record.info.lines, row: record.record };
  }
}

async function maybeGunzip(source: Readable): Promise<Readable> {
  // Peek at the first chunk so uploads work whether or not the merchant compressed them.
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const { PassThrough } = await import("node:stream");
  const out = new PassThrough();
  const head: Buffer | undefined = first.done ? undefined : Buffer.from(first.value);
  const gz = head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const target = gz ? createGunzip() : out;
  (async () => {
    try {
      if (head) target.write(head);
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        if (!target.write(r.value)) await new Promise((res) => target.once("drain", res));
      }
      target.end();
    } catch (error) {
      target.destroy(error as Error);
    }
  })();
  if (!gz) return out;
  target.on("error", (error) => out.destroy(new Error(`the gzip data is damaged (${error.message})`)));
  return target.pipe(out);
}
