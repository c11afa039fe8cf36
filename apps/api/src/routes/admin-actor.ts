import type { FastifyRequest } from "fastify";
import type { AdminActor } from "../services/audit-service";

/** The admin behind a request, for the audit trail (admin routes only: the guard has set the user). */
export const adminActor = (request: FastifyRequest): AdminActor => ({
  userId: request.requireUser().id,
  requestId: request.id,
});
