import { type AppError, tusProtocolError } from "../../errors/app-error";

/** An error of the tus server itself: a status and a plain-text body. */
export interface TusProtocolError {
  status_code: number;
  body: string;
}

export const isTusProtocolError = (error: unknown): error is TusProtocolError =>
  typeof error === "object" &&
  error !== null &&
  "status_code" in error &&
  typeof error.status_code === "number" &&
  "body" in error &&
  typeof error.body === "string";

/** A tus refusal in the envelope; its 5xx are ours to explain, so they become 500 `UPLOAD_FAILED`. */
export const fromTusError = ({ status_code: status, body }: TusProtocolError): AppError =>
  tusProtocolError(status, body.trim() || "Upload request refused");
