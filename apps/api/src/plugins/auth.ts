import fastifyJwt from "@fastify/jwt";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AppError, adminRequired, unauthorized } from "../errors/app-error";
import type { AuthenticatedUser, AuthService } from "../services/auth-service";
import type { JwtCodec } from "../services/token-service";

/** A route guard: runs as a hook and leaves the caller on `request.user`. */
export type AuthGuard = (request: FastifyRequest) => Promise<void>;

/** The guards a route's `config.auth` selects (see plugins/route-policy.ts). */
export interface AuthGuards {
  /** Requires a valid access token: 401 UNAUTHORIZED / INVALID_TOKEN / USER_NOT_FOUND, 403 INACTIVE_USER. */
  user: AuthGuard;
  /** Sets `request.user` when a valid access token is present; otherwise the caller stays anonymous. */
  optional: AuthGuard;
  /** `user`, then 403 FORBIDDEN unless the caller is an admin. */
  admin: AuthGuard;
}

declare module "@fastify/jwt" {
  interface FastifyJWT {
    /**
     * Set by the guards. @fastify/jwt owns the `request.user` declaration, so
     * it is typed here: `null` on public routes and for anonymous callers of
     * optional routes. Guarded routes read it through `request.requireUser()`.
     */
    user: AuthenticatedUser | null;
  }
}

/**
 * Registers @fastify/jwt with HS256 as the only algorithm (so `alg: none` and
 * any other algorithm fail), exposing `app.jwt`'s signer and verifier to the
 * token service.
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

/** @fastify/jwt's signer and verifier, for the token service (which knows nothing of Fastify). */
export const jwtCodec = (app: FastifyInstance): JwtCodec => ({
  sign: (claims) => app.jwt.sign(claims),
  verify: (token) => app.jwt.verify(token),
});

/** The bearer token of the request, or `undefined` when it carries no bearer credentials. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer[ \t]+(.*)$/i.exec(header.trim());
  return match?.[1]?.trim() || undefined;
}

export function createAuthGuards(auth: AuthService): AuthGuards {
  const user: AuthGuard = async (request) => {
    const token = bearerToken(request);
    if (!token) throw unauthorized();
    request.user = await auth.authenticate(token);
  };
  return {
    user,
    optional: async (request) => {
      const token = bearerToken(request);
      if (!token) return;
      try {
        request.user = await auth.authenticate(token);
      } catch (error) {
        // A bad, revoked or unusable token leaves the caller anonymous; infrastructure failures still surface.
        if (!(error instanceof AppError)) throw error;
      }
    },
    admin: async (request) => {
      await user(request);
      if (!request.user?.isAdmin) throw adminRequired();
    },
  };
}
