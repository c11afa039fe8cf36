import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

export type FileContent = Buffer | (() => AsyncIterable<Buffer> | Iterable<Buffer>);

export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; content: FileContent; contentType?: string };

export interface MultipartForm {
  headers: Record<string, string>;
  /** A fresh stream of the whole body each time it is called. */
  stream(): Readable;
  /** The whole body at once (small forms only). */
  buffer(): Promise<Buffer>;
}

const CRLF = "\r\n";

/** A `multipart/form-data` body built the way browsers do, with the parts in the given order. */
export function multipartForm(parts: FormPart[]): MultipartForm {
  const boundary = `----LearningHubTest${randomBytes(8).toString("hex")}`;
  async function* body(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      if ("value" in part) {
        yield Buffer.from(
          `--${boundary}${CRLF}Content-Disposition: form-data; name="${part.name}"${CRLF}${CRLF}${part.value}${CRLF}`,
        );
        continue;
      }
      yield Buffer.from(
        `--${boundary}${CRLF}Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"${CRLF}` +
          `Content-Type: ${part.contentType ?? "application/octet-stream"}${CRLF}${CRLF}`,
      );
      if (Buffer.isBuffer(part.content)) yield part.content;
      else yield* part.content();
      yield Buffer.from(CRLF);
    }
    yield Buffer.from(`--${boundary}--${CRLF}`);
  }
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    stream: () => Readable.from(body()),
    async buffer() {
      const chunks: Buffer[] = [];
      for await (const chunk of body()) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
  };
}

const MiB = 1024 * 1024;

/** `total` bytes: `head`, then filler, in 1 MiB chunks; costs next to no memory. */
export function sizedContent(head: Buffer, total: number): () => Iterable<Buffer> {
  const filler = Buffer.alloc(MiB, 0x20);
  return function* () {
    yield head;
    for (let sent = head.length; sent < total; sent += MiB) yield filler.subarray(0, Math.min(MiB, total - sent));
  };
}

/** /work/main/apps/api/test/support -> /work/shared/fixtures */
export const fixture = (name: string): Buffer =>
  readFileSync(fileURLToPath(new URL(`../../../../../shared/fixtures/${name}`, import.meta.url)));
