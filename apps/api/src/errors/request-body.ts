import { MAX_FIELDS } from "../services/upload-form";
import {
  type AppError,
  bodyTooLarge,
  oneFileOnly,
  tooManyFormFields,
  unparsableBody,
  unparsableMultipart,
} from "./app-error";

/**
 * The one mapping of request-body failures (Fastify's content parsers and
 * @fastify/multipart) to the contract: too large is 413 `FILE_TOO_LARGE`, a
 * body that cannot be parsed is 422, a well-formed form with too many parts is
 * 400. `undefined` when the error is not a body failure.
 */
export function requestBodyError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
    case "FST_MULTIPART_INVALID_CONTENT_TYPE":
      return unparsableBody(reason, error);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
    case "FST_REQ_FILE_TOO_LARGE":
      return bodyTooLarge(error);
    case "FST_FILES_LIMIT":
      return oneFileOnly();
    case "FST_FIELDS_LIMIT":
    case "FST_PARTS_LIMIT":
      return tooManyFormFields(MAX_FIELDS);
    default:
      return undefined;
  }
}

/**
 * What an error while reading a multipart body means for the client: a body
 * failure as above, else (truncated bodies, bad boundaries, broken part
 * headers, the client disconnecting mid-body) 422.
 */
export function multipartBodyError(error: unknown): AppError {
  return requestBodyError(error) ?? unparsableMultipart(error instanceof Error ? error.message : String(error), error);
}
