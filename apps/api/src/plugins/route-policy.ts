import type { TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { unauthorized } from "../errors/app-error";
import { securityOf, withCommonErrorResponses } from "../schemas/route-responses";
import type { AuthenticatedUser, AuthService } from "../services/auth-service";
import { createAuthGuards } from "./auth";

/**
 * Who may call a route: anyone (`public`), anyone with the caller known when a
 * valid token is sent (`optional`), a signed-in user (`user`), an admin (`admin`).
 */
export type RouteAuth = "public" | "optional" | "user" | "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Required on every route; routes hidden from the OpenAPI document default to `public`. */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** The caller of a `user` or `admin` route (401 should a route without a guard call it). */
    requireUser(): AuthenticatedUser;
  }
}

const toArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The one place a route's `config` becomes its policy: from `config.auth` the
 * guard (admins are checked `onRequest`, before the body is parsed or
 * validated, so nobody else learns anything from an admin route; the others
 * `preHandler`, as the caller matters only to the handler), the OpenAPI
 * `security`, and the error responses every such route can give. A route
 * without `config.auth` fails at registration. Register before the routes.
 */
export const routePolicyPlugin = fp<{ auth: AuthService }>(
  async (app: FastifyInstance, { auth }) => {
    const guards = createAuthGuards(auth);

    app.decorateRequest("requireUser", function requireUser(this: FastifyRequest): AuthenticatedUser {
      if (!this.user) throw unauthorized();
      return this.user;
    });

    app.addHook("onRoute", (route: RouteOptions) => {
      const hidden = route.schema?.hide === true;
      const policy = route.config?.auth ?? (hidden ? "public" : undefined);
      if (!policy) throw new Error(`Route ${String(route.method)} ${route.url} declares no config.auth`);
      if (policy === "admin") {
        route.onRequest = [guards.admin as onRequestHookHandler, ...toArray(route.onRequest)];
      } else if (policy !== "public") {
        route.preHandler = [guards[policy], ...toArray(route.preHandler)];
      }
      if (hidden) return;
      route.schema = {
        ...route.schema,
        security: securityOf(policy),
        response: withCommonErrorResponses(
          route,
          policy,
          route.schema?.response as Record<string, TSchema> | undefined,
        ),
      };
    });
  },
  { name: "route-policy", dependencies: ["jwt"] },
);
