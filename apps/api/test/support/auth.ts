import { randomBytes } from "node:crypto";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import type { FastifyInstance } from "fastify";
import type { TestApp } from "./app";

export interface RegisteredUser {
  id: number;
  email: string;
  password: string;
  name: string;
  accessToken: string;
  refreshToken: string;
}

export interface UserOverrides {
  email?: string;
  name?: string;
  password?: string;
}

/** Registers a user with a unique email and logs them in, both through HTTP. */
export async function registerUser(app: FastifyInstance, overrides: UserOverrides = {}): Promise<RegisteredUser> {
  const email = overrides.email ?? `user-${randomBytes(6).toString("hex")}@example.com`;
  const name = overrides.name ?? "Test User";
  const password = overrides.password ?? "correct horse battery staple";

  const registered = await app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { email, name, password },
  });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.statusCode} ${registered.body}`);
  const loggedIn = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  if (loggedIn.statusCode !== 200) throw new Error(`login failed: ${loggedIn.statusCode} ${loggedIn.body}`);

  const body = loggedIn.json();
  return {
    id: body.user.id,
    email: body.user.email,
    password,
    name,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
  };
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Grants the admin role through the users repository, the same code path as `pnpm user:admin`. */
export async function makeAdmin(t: TestApp, userId: number): Promise<void> {
  const users = new UsersRepository(t.env.database.db);
  const user = await users.findById(userId);
  if (!user || !(await users.setAdmin(user.email, true))) throw new Error(`no user ${userId}`);
}
