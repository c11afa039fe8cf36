import { randomUUID } from "node:crypto";
import type { JWT } from "@fastify/jwt";
import type { Config } from "@learning-hub/config";
import type { Database } from "@learning-hub/db";
import { AuthSessionsRepository, type SessionAccess } from "@learning-hub/db/repositories/auth-sessions";
import { type User, UsersRepository } from "@learning-hub/db/repositories/users";
import { emailAlreadyExists, inactiveUser, invalidToken, userNotFound, wrongCredentials } from "../errors/app-error";
import { PasswordHasher } from "./password-hasher";
import { SessionAccessCache } from "./session-access-cache";
import { type TokenPair, TokenService } from "./token-service";

/** Who is calling, as the guards leave it on `request.user`. */
export interface AuthenticatedUser {
  id: number;
  isAdmin: boolean;
  sessionId: string;
}

export interface Registration {
  email: string;
  name: string;
  password: string;
}

export const normaliseEmail = (email: string): string => email.toLowerCase();

export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: AuthSessionsRepository,
    private readonly sessionAccess: SessionAccessCache,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenService,
  ) {}

  async register(input: Registration): Promise<User> {
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.users.create({ email: normaliseEmail(input.email), name: input.name, passwordHash });
    if (!user) throw emailAlreadyExists();
    return user;
  }

  /** Checks the credentials and opens a session (one refresh-token family). */
  async login(email: string, password: string): Promise<TokenPair & { user: User }> {
    const credentials = await this.users.findCredentials(normaliseEmail(email));
    const valid = credentials
      ? await this.passwords.verify(credentials.passwordHash, password)
      : await this.passwords.verifyAgainstDummy(password);
    if (!credentials || !valid) throw wrongCredentials();
    const { user } = credentials;
    if (!user.isActive) throw inactiveUser();

    const now = new Date();
    const sessionId = randomUUID();
    const refreshJti = randomUUID();
    await this.sessions.create({
      id: sessionId,
      userId: user.id,
      refreshJti,
      expiresAt: this.tokens.refreshExpiry(now),
    });
    return { ...this.tokens.issuePair(user.id, sessionId, refreshJti, now), user };
  }

  /**
   * Rotates the pair. A refresh token that was already rotated is a replay:
   * the whole session is revoked, so the newer tokens die with it.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const { userId, sessionId, jti } = this.tokens.verifyRefresh(refreshToken);
    const access = await this.sessions.findAccess(sessionId, userId);
    this.assertAllowed(access);

    const now = new Date();
    const nextJti = randomUUID();
    const outcome = await this.sessions.rotate({
      sessionId,
      userId,
      presentedJti: jti,
      nextJti,
      expiresAt: this.tokens.refreshExpiry(now),
    });
    if (outcome !== "rotated") {
      this.sessionAccess.forget(sessionId);
      throw invalidToken();
    }
    return this.tokens.issuePair(userId, sessionId, nextJti, now);
  }

  async logout(caller: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(caller.sessionId, "logout");
    this.sessionAccess.forget(caller.sessionId);
  }

  /** The guard's check of an access token; throws the contract's 401/403. */
  async authenticate(accessToken: string): Promise<AuthenticatedUser> {
    const { userId, sessionId } = this.tokens.verifyAccess(accessToken);
    const access = await this.sessionAccess.get(sessionId, userId);
    return { id: userId, isAdmin: this.assertAllowed(access).isAdmin, sessionId };
  }

  async profile(caller: AuthenticatedUser): Promise<User> {
    const user = await this.users.findById(caller.id);
    if (!user) throw userNotFound();
    return user;
  }

  private assertAllowed(access: SessionAccess): { isActive: boolean; isAdmin: boolean } {
    if (!access.user) throw userNotFound();
    if (!access.sessionLive) throw invalidToken();
    if (!access.user.isActive) throw inactiveUser();
    return access.user;
  }
}

export function createAuthService(database: Database, jwt: JWT, config: Config): AuthService {
  const sessions = new AuthSessionsRepository(database);
  return new AuthService(
    new UsersRepository(database),
    sessions,
    new SessionAccessCache(sessions),
    new PasswordHasher(),
    new TokenService(jwt, config.auth),
  );
}
