import fastifyMultipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../errors/app-error";
import { LARGEST_UPLOAD_BYTES } from "../services/file-type";
import { MAX_FIELD_BYTES, MAX_FIELDS } from "../services/upload-form";

/**
 * Streaming multipart parsing for the routes of the scope it is registered in.
 * One file; the parser's own file cap sits one byte above the largest allowed
 * size so that the upload service, which knows the file's type, answers
 * precisely; its limits for the text fields stay small.
 */
export const multipartPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(fastifyMultipart, {
      limits: {
        files: 1,
        fileSize: LARGEST_UPLOAD_BYTES + 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        fieldNameSize: 100,
        parts: MAX_FIELDS + 1,
        headerPairs: 100,
      },
    });
  },
  { name: "multipart" },
);

/** What an error of the multipart body (the parser's, or the client going away) means for the client. */
export function multipartBodyError(error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "FST_REQ_FILE_TOO_LARGE":
      return new AppError(413, "FILE_TOO_LARGE", "File is too large", {}, { cause: error });
    case "FST_FILES_LIMIT":
      return new AppError(400, "VALIDATION_ERROR", "Request validation failed", {
        fields: [{ field: "file", reason: "send exactly one file" }],
      });
    case "FST_FIELDS_LIMIT":
    case "FST_PARTS_LIMIT":
      return new AppError(400, "VALIDATION_ERROR", `At most ${MAX_FIELDS} form fields are accepted`, {
        fields: [{ field: "form", reason: `at most ${MAX_FIELDS} fields` }],
      });
    default:
      // Truncated bodies, bad boundaries, broken part headers, the client disconnecting mid-body.
      return new AppError(422, "VALIDATION_ERROR", "Multipart body could not be parsed", { reason }, { cause: error });
  }
}
