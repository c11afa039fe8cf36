import { randomUUID } from "node:crypto";
import type { Config } from "@learning-hub/config";
import type { Database } from "@learning-hub/db";
import { AuthSessionsRepository, type SessionAccess } from "@learning-hub/db/repositories/auth-sessions";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import {
  commonPassword,
  emailAlreadyExists,
  inactiveUser,
  invalidToken,
  userNotFound,
  wrongCredentials,
} from "../errors/app-error";
import type { LoginResponse, LogoutResponse, RefreshResponse } from "../schemas/auth";
import { toUserProfile, type UserProfile } from "../schemas/user";
import { COMMON_PASSWORDS_REFUSED, isCommonPassword } from "./common-passwords";
import { PasswordHasher } from "./password-hasher";
import { SessionAccessCache } from "./session-access-cache";
import { type JwtCodec, TokenService } from "./token-service";

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

  async register(input: Registration): Promise<UserProfile> {
    if (isCommonPassword(input.password)) throw commonPassword(COMMON_PASSWORDS_REFUSED);
    const passwordHash = await this.passwords.hash(input.password);
    const user = await this.users.create({ email: normaliseEmail(input.email), name: input.name, passwordHash });
    if (!user) throw emailAlreadyExists();
    return toUserProfile(user);
  }

  /** Checks the credentials and opens a session (one refresh-token family). */
  async login(email: string, password: string): Promise<LoginResponse> {
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
    const { accessToken, refreshToken, expiresIn } = this.tokens.issuePair(user.id, sessionId, refreshJti, now);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: "bearer",
      expires_in: expiresIn,
      user: toUserProfile(user),
    };
  }

  /**
   * Rotates the pair. A refresh token that was already rotated is a replay:
   * the whole session is revoked, so the newer tokens die with it.
   */
  async refresh(refreshToken: string): Promise<RefreshResponse> {
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
    const pair = this.tokens.issuePair(userId, sessionId, nextJti, now);
    return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: "bearer" };
  }

  async logout(caller: AuthenticatedUser): Promise<LogoutResponse> {
    await this.sessions.revoke(caller.sessionId, "logout");
    this.sessionAccess.forget(caller.sessionId);
    return { message: "Successfully logged out", detail: "Please discard your tokens on the client side" };
  }

  /** The guard's check of an access token; throws the contract's 401/403. */
  async authenticate(accessToken: string): Promise<AuthenticatedUser> {
    const { userId, sessionId } = this.tokens.verifyAccess(accessToken);
    const access = await this.sessionAccess.get(sessionId, userId);
    return { id: userId, isAdmin: this.assertAllowed(access).isAdmin, sessionId };
  }

  async profile(caller: AuthenticatedUser): Promise<UserProfile> {
    const user = await this.users.findById(caller.id);
    if (!user) throw userNotFound();
    return toUserProfile(user);
  }

  private assertAllowed(access: SessionAccess): { isActive: boolean; isAdmin: boolean } {
    if (!access.user) throw userNotFound();
    if (!access.sessionLive) throw invalidToken();
    if (!access.user.isActive) throw inactiveUser();
    return access.user;
  }
}

export function createAuthService(database: Database, jwt: JwtCodec, config: Config): AuthService {
  const sessions = new AuthSessionsRepository(database);
  return new AuthService(
    new UsersRepository(database),
    sessions,
    new SessionAccessCache(sessions),
    new PasswordHasher(),
    new TokenService(jwt, config.auth),
  );
}
