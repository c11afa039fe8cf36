import { type Static, Type } from "@sinclair/typebox";
import { NAME_PATTERN } from "./text";
import { UserProfile } from "./user";

const Email = Type.String({ format: "email", maxLength: 320, examples: ["user@example.com"] });

export const RegisterBody = Type.Object({
  email: Email,
  // At least one visible character, and no control characters (NUL would not even reach the column).
  name: Type.String({ minLength: 1, maxLength: 100, pattern: NAME_PATTERN, examples: ["Ada Lovelace"] }),
  password: Type.String({ minLength: 8, maxLength: 128, examples: ["correct-horse-battery-staple"] }),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  email: Email,
  // No minimum here: login only compares; the upper bound caps the hashing work.
  password: Type.String({ minLength: 1, maxLength: 128, examples: ["correct-horse-battery-staple"] }),
});

const ACCESS_TOKEN_EXAMPLE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoiYWNjZXNzIn0.3q2GnJ2QpOQ7uWcS0u3iXcLd9jVn0w3n1bXz4sYf0aI";
const REFRESH_TOKEN_EXAMPLE =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.Qm9vT3Vq4R2VtJ3bHc9pXyq7n0bXz4sYf0aI3q2GnJ2";
const AccessToken = Type.String({ description: "Bearer token for `Authorization`", examples: [ACCESS_TOKEN_EXAMPLE] });
const RefreshToken = Type.String({ examples: [REFRESH_TOKEN_EXAMPLE] });

export const RefreshBody = Type.Object({
  refresh_token: Type.String({ minLength: 1, maxLength: 4096, examples: [REFRESH_TOKEN_EXAMPLE] }),
});

const TokenType = Type.Literal("bearer");

export const LoginResponse = Type.Object(
  {
    access_token: AccessToken,
    refresh_token: RefreshToken,
    token_type: TokenType,
    expires_in: Type.Integer({ description: "Seconds until the access token expires", examples: [1800] }),
    user: Type.Ref(UserProfile),
  },
  { $id: "LoginResult" },
);
export type LoginResponse = Static<typeof LoginResponse>;

/** As the contract shows it: no `expires_in` (the access token lifetime is the one login reported). */
export const RefreshResponse = Type.Object(
  { access_token: AccessToken, refresh_token: RefreshToken, token_type: TokenType },
  { $id: "RefreshResult" },
);
export type RefreshResponse = Static<typeof RefreshResponse>;

export const LogoutResponse = Type.Object(
  {
    message: Type.String({ examples: ["Successfully logged out"] }),
    detail: Type.String({ examples: ["Please discard your tokens on the client side"] }),
  },
  { $id: "LogoutResult" },
);
export type LogoutResponse = Static<typeof LogoutResponse>;

export const authSchemas = [LoginResponse, RefreshResponse, LogoutResponse];
