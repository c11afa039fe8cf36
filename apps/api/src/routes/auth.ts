import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Config } from "@learning-hub/config";
import { Type } from "@sinclair/typebox";
import { errorResponses } from "../schemas/common";
import { toUserProfile, UserProfile } from "../schemas/user";
import type { AuthService } from "../services/auth-service";

const Email = Type.String({ format: "email", maxLength: 320, examples: ["user@example.com"] });

const RegisterBody = Type.Object({
  email: Email,
  // At least one visible character: a name of blanks is no name.
  name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }),
  password: Type.String({ minLength: 8, maxLength: 128 }),
});

const LoginBody = Type.Object({
  email: Email,
  // No minimum here: login only compares; the upper bound caps the hashing work.
  password: Type.String({ minLength: 1, maxLength: 128 }),
});

const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 4096 }) });

const TokenType = Type.Literal("bearer");

const LoginResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: TokenType,
  expires_in: Type.Integer({ description: "Seconds until the access token expires", examples: [1800] }),
  user: Type.Ref(UserProfile),
});

/** As the contract shows it: no `expires_in` (the access token lifetime is the one login reported). */
const RefreshResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: TokenType,
});

const LogoutResponse = Type.Object({ message: Type.String(), detail: Type.String() });

const bearer = [{ bearerAuth: [] }];

export interface AuthRoutesOptions {
  auth: AuthService;
  rateLimit: Config["rateLimit"];
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth, rateLimit }) => {
  app.addSchema(UserProfile);
  // The stricter limit of the endpoints that take passwords; applies only while rate limiting is enabled.
  const credentialsLimit = { rateLimit: { max: rateLimit.authMax, timeWindow: rateLimit.windowSeconds * 1000 } };

  app.post(
    "/api/v1/auth/register",
    {
      config: credentialsLimit,
      schema: {
        tags: ["auth"],
        summary: "Create an account",
        body: RegisterBody,
        response: { 201: Type.Ref(UserProfile), ...errorResponses(400, 422, 429) },
      },
    },
    async (request, reply) => {
      const user = await auth.register(request.body);
      return reply.status(201).send(toUserProfile(user));
    },
  );

  app.post(
    "/api/v1/auth/login",
    {
      config: credentialsLimit,
      schema: {
        tags: ["auth"],
        summary: "Exchange email and password for an access and a refresh token",
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request) => {
      const { accessToken, refreshToken, expiresIn, user } = await auth.login(
        request.body.email,
        request.body.password,
      );
      return {
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: "bearer" as const,
        expires_in: expiresIn,
        user: toUserProfile(user),
      };
    },
  );

  app.get(
    "/api/v1/auth/me",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["auth"],
        summary: "The caller's profile",
        security: bearer,
        response: { 200: Type.Ref(UserProfile), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => toUserProfile(await auth.profile(request.user)),
  );

  app.post(
    "/api/v1/auth/refresh",
    {
      schema: {
        tags: ["auth"],
        summary: "Rotate the token pair; reusing a rotated refresh token revokes the session",
        body: RefreshBody,
        response: { 200: RefreshResponse, ...errorResponses(400, 401, 403, 422, 429) },
      },
    },
    async (request) => {
      const { accessToken, refreshToken } = await auth.refresh(request.body.refresh_token);
      return { access_token: accessToken, refresh_token: refreshToken, token_type: "bearer" as const };
    },
  );

  app.post(
    "/api/v1/auth/logout",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["auth"],
        summary: "Revoke the caller's session (its access and refresh tokens)",
        security: bearer,
        response: { 200: LogoutResponse, ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      await auth.logout(request.user);
      return { message: "Successfully logged out", detail: "Please discard your tokens on the client side" };
    },
  );
};
