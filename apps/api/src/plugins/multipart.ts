import fastifyMultipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
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
