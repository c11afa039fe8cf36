import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Config } from "@learning-hub/config";
import { Type } from "@sinclair/typebox";
import { LoginBody, LoginResponse, LogoutResponse, RefreshBody, RefreshResponse, RegisterBody } from "../schemas/auth";
import { errorResponse } from "../schemas/route-responses";
import { UserProfile } from "../schemas/user";
import type { AuthService } from "../services/auth-service";

export interface AuthRoutesOptions {
  auth: AuthService;
  rateLimit: Config["rateLimit"];
}

const WRONG_CREDENTIALS = errorResponse("`UNAUTHORIZED`: wrong email or password");
const INACTIVE = errorResponse("`INACTIVE_USER`: the account is disabled");

/** `/api/v1/auth`: accounts, sessions and their tokens. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth, rateLimit }) => {
  // The stricter limit of the endpoints that take passwords; applies only while rate limiting is enabled.
  const credentialsLimit = { rateLimit: { max: rateLimit.authMax, timeWindow: rateLimit.windowSeconds * 1000 } };

  app.post(
    "/register",
    {
      config: { auth: "public", ...credentialsLimit },
      schema: {
        tags: ["auth"],
        summary: "Create an account",
        body: RegisterBody,
        response: { 201: Type.Ref(UserProfile) },
      },
    },
    async (request, reply) => reply.status(201).send(await auth.register(request.body)),
  );

  app.post(
    "/login",
    {
      config: { auth: "public", ...credentialsLimit },
      schema: {
        tags: ["auth"],
        summary: "Exchange email and password for an access and a refresh token",
        body: LoginBody,
        response: { 200: LoginResponse, 401: WRONG_CREDENTIALS, 403: INACTIVE },
      },
    },
    async (request) => auth.login(request.body.email, request.body.password),
  );

  app.get(
    "/me",
    {
      config: { auth: "user" },
      schema: { tags: ["auth"], summary: "The caller's profile", response: { 200: Type.Ref(UserProfile) } },
    },
    async (request) => auth.profile(request.requireUser()),
  );

  app.post(
    "/refresh",
    {
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        summary: "Rotate the token pair; reusing a rotated refresh token revokes the session",
        body: RefreshBody,
        response: {
          200: RefreshResponse,
          401: errorResponse("`INVALID_TOKEN` / `USER_NOT_FOUND`: the refresh token is not usable"),
          403: INACTIVE,
        },
      },
    },
    async (request) => auth.refresh(request.body.refresh_token),
  );

  app.post(
    "/logout",
    {
      config: { auth: "user" },
      schema: {
        tags: ["auth"],
        summary: "Revoke the caller's session (its access and refresh tokens)",
        response: { 200: LogoutResponse },
      },
    },
    async (request) => auth.logout(request.requireUser()),
  );
};
