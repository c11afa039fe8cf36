import { type Static, Type } from "@sinclair/typebox";
import { UserProfile } from "./user";

const Email = Type.String({ format: "email", maxLength: 320, examples: ["user@example.com"] });

export const RegisterBody = Type.Object({
  email: Email,
  // At least one visible character: a name of blanks is no name.
  name: Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" }),
  password: Type.String({ minLength: 8, maxLength: 128 }),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  email: Email,
  // No minimum here: login only compares; the upper bound caps the hashing work.
  password: Type.String({ minLength: 1, maxLength: 128 }),
});

export const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 4096 }) });

const TokenType = Type.Literal("bearer");

export const LoginResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: TokenType,
  expires_in: Type.Integer({ description: "Seconds until the access token expires", examples: [1800] }),
  user: Type.Ref(UserProfile),
});
export type LoginResponse = Static<typeof LoginResponse>;

/** As the contract shows it: no `expires_in` (the access token lifetime is the one login reported). */
export const RefreshResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: TokenType,
});
export type RefreshResponse = Static<typeof RefreshResponse>;

export const LogoutResponse = Type.Object({ message: Type.String(), detail: Type.String() });
export type LogoutResponse = Static<typeof LogoutResponse>;
