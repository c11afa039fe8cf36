import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  type AppError,
  headersTooLarge,
  invalidUrl,
  malformedRequest,
  pathParameterTooLong,
  requestTooSlow,
  unsupportedExpectation,
  urlTooLong,
} from "../errors/app-error";
import { toEnvelope } from "./error-handler";

/**
 * Answers, in the envelope, requests that fail before any route sees them:
 * Fastify's router errors (`frameworkErrors`), what Node's HTTP parser refuses
 * (`clientErrorHandler`) and unknown `Expect` headers (`checkExpectation`).
 * None of them echoes the request's URL or headers back.
 */

/** The client's `x-request-id` when it is a sane token, otherwise a new one. */
export function requestIdOf(headers: IncomingMessage["headers"]): string {
  const incoming = headers["x-request-id"];
  return typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}

/** Fastify's `frameworkErrors`: a path that does not decode (`/materials/%`), or a path parameter over the limit. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // These requests have no route, so no hook and no error handler of the app runs for them.
  const { status, body } = toEnvelope(frameworkErrorAnswer(error));
  if (status >= 500) request.log.error({ err: error }, "request failed");
  void reply.header("x-request-id", request.id).status(status).send(body);
}

function frameworkErrorAnswer(error: FastifyError): AppError | FastifyError {
  switch (error.code) {
    case "FST_ERR_BAD_URL":
      return invalidUrl();
    case "FST_ERR_MAX_PARAM_LENGTH":
      return pathParameterTooLong();
    default:
      return error;
  }
}

/** Status and message for what Node's HTTP parser refused. */
function clientErrorAnswer(error: NodeJS.ErrnoException): AppError {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return headersTooLarge();
    case "HPE_URI_TOO_LONG":
      return urlTooLong();
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return requestTooSlow();
    default:
      return malformedRequest();
  }
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  414: "URI Too Long",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
};

/** Fastify's `clientErrorHandler`: there is no request yet, so the answer is written to the socket as is. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset or already answered connection has nobody to tell.
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, body } = toEnvelope(clientErrorAnswer(error));
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Bad Request"}\r\n` +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      "Connection: close\r\n\r\n" +
      json,
  );
}

/** The server's `checkExpectation` listener: Node answers an unknown `Expect` with a bare 417 otherwise. */
export function answerUnknownExpectation(request: IncomingMessage, response: ServerResponse): void {
  const { status, body } = toEnvelope(unsupportedExpectation());
  const json = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(json),
    "x-request-id": requestIdOf(request.headers),
    connection: "close",
  });
  response.end(json);
}
