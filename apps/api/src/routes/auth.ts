import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Config } from "@learning-hub/config";
import { Type } from "@sinclair/typebox";
import { LoginBody, LoginResponse, LogoutResponse, RefreshBody, RefreshResponse, RegisterBody } from "../schemas/auth";
import { errorResponse } from "../schemas/route-responses";
import { UserProfile } from "../schemas/user";
import type { AuthService } from "../services/auth-service";

/** Answers carrying tokens: no browser or proxy cache may keep them. */
const NO_STORE = "no-store";

export interface AuthRoutesOptions {
  auth: AuthService;
  rateLimit: Config["rateLimit"];
}

const WRONG_CREDENTIALS = errorResponse("`UNAUTHORIZED`: wrong email or password", "UNAUTHORIZED");
const INACTIVE = errorResponse("`INACTIVE_USER`: the account is disabled", "INACTIVE_USER");

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
        operationId: "register",
        summary: "Create an account",
        body: RegisterBody,
        response: {
          201: Type.Ref(UserProfile, { description: "The new account" }),
          400: errorResponse("`EMAIL_ALREADY_EXISTS`: an account uses this email", "EMAIL_ALREADY_EXISTS"),
        },
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
        operationId: "login",
        summary: "Exchange email and password for an access and a refresh token",
        body: LoginBody,
        response: {
          200: Type.Ref(LoginResponse, { description: "A new session's tokens and the user" }),
          401: WRONG_CREDENTIALS,
          403: INACTIVE,
        },
      },
    },
    async (request, reply) => {
      const tokens = await auth.login(request.body.email, request.body.password);
      return reply.header("cache-control", NO_STORE).send(tokens);
    },
  );

  app.get(
    "/me",
    {
      config: { auth: "user" },
      schema: {
        tags: ["auth"],
        operationId: "getCurrentUser",
        summary: "The caller's profile",
        response: { 200: Type.Ref(UserProfile, { description: "The caller" }) },
      },
    },
    async (request) => auth.profile(request.requireUser()),
  );

  app.post(
    "/refresh",
    {
      config: { auth: "public" },
      schema: {
        tags: ["auth"],
        operationId: "refreshTokens",
        summary: "Rotate the token pair; reusing a rotated refresh token revokes the session",
        body: RefreshBody,
        response: {
          200: Type.Ref(RefreshResponse, { description: "The new token pair" }),
          401: errorResponse(
            "`INVALID_TOKEN` / `USER_NOT_FOUND`: the refresh token is not usable",
            "INVALID_TOKEN",
            "USER_NOT_FOUND",
          ),
          403: INACTIVE,
        },
      },
    },
    async (request, reply) => {
      const tokens = await auth.refresh(request.body.refresh_token);
      return reply.header("cache-control", NO_STORE).send(tokens);
    },
  );

  app.post(
    "/logout",
    {
      config: { auth: "user" },
      schema: {
        tags: ["auth"],
        operationId: "logout",
        summary: "Revoke the caller's session (its access and refresh tokens)",
        response: { 200: Type.Ref(LogoutResponse, { description: "The session is revoked" }) },
      },
    },
    async (request) => auth.logout(request.requireUser()),
  );
};
