import fastifyJwt from "@fastify/jwt";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AppError, adminRequired, unauthorized } from "../errors/app-error";
import type { AuthenticatedUser, AuthService } from "../services/auth-service";

/** A route guard: runs as a `preHandler` and leaves the caller on `request.user`. */
export type AuthGuard = (request: FastifyRequest) => Promise<void>;

declare module "fastify" {
  interface FastifyInstance {
    /** Requires a valid access token: 401 UNAUTHORIZED / INVALID_TOKEN / USER_NOT_FOUND, 403 INACTIVE_USER. */
    authenticate: AuthGuard;
    /** Sets `request.user` when a valid access token is present; otherwise the caller stays anonymous. */
    optionalAuthenticate: AuthGuard;
    /** `authenticate`, then 403 FORBIDDEN unless the caller is an admin. */
    requireAdmin: AuthGuard;
  }
}

declare module "@fastify/jwt" {
  interface FastifyJWT {
    /**
     * Set by the guards above. @fastify/jwt owns the `request.user` declaration,
     * so it is typed here; it is `null` on routes without a guard and for
     * anonymous callers of `optionalAuthenticate` routes, which must check it.
     */
    user: AuthenticatedUser;
  }
}

/**
 * Registers @fastify/jwt with HS256 as the only algorithm (so `alg: none` and
 * any other algorithm fail), exposing `app.jwt` to the token service.
 */
export const jwtPlugin = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }) => {
    await app.register(fastifyJwt, {
      secret: config.auth.jwtSecret,
      sign: { algorithm: "HS256" },
      // Verified tokens are cached until they expire; revocation is checked separately on every request.
      verify: { algorithms: ["HS256"], cache: 10_000 },
    });
  },
  { name: "jwt" },
);

/** The bearer token of the request, or `undefined` when it carries no bearer credentials. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer[ \t]+(.*)$/i.exec(header.trim());
  return match?.[1]?.trim() || undefined;
}

/** Decorates the app with the guards every protected route reuses. */
export const authPlugin = fp<{ auth: AuthService }>(
  async (app: FastifyInstance, { auth }) => {
    const authenticate: AuthGuard = async (request) => {
      const token = bearerToken(request);
      if (!token) throw unauthorized();
      request.user = await auth.authenticate(token);
    };

    app.decorate("authenticate", authenticate);

    app.decorate("optionalAuthenticate", async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (!token) return;
      try {
        request.user = await auth.authenticate(token);
      } catch (error) {
        // A bad, revoked or unusable token leaves the caller anonymous; infrastructure failures still surface.
        if (!(error instanceof AppError)) throw error;
      }
    });

    app.decorate("requireAdmin", async (request: FastifyRequest) => {
      await authenticate(request);
      if (!request.user.isAdmin) throw adminRequired();
    });
  },
  { name: "auth", dependencies: ["jwt"] },
);
