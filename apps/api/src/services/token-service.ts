import type { Config } from "@learning-hub/config";
import { invalidToken } from "../errors/app-error";

export type TokenKind = "access" | "refresh";

/** Claims every token carries; `jti` is set on refresh tokens only. */
export interface TokenClaims {
  /** User id, as a string (RFC 7519 subject). */
  sub: string;
  typ: TokenKind;
  /** Session (refresh-token family) id. */
  sid: string;
  jti?: string;
  iat: number;
  exp: number;
}

export interface VerifiedToken {
  userId: number;
  sessionId: string;
}

export interface VerifiedRefreshToken extends VerifiedToken {
  jti: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token is valid for. */
  expiresIn: number;
}

/** Signs claims and verifies a token's signature, algorithm and expiry (app.ts hands over @fastify/jwt's). */
export interface JwtCodec {
  sign(claims: TokenClaims): string;
  /** Throws when the token is not valid. */
  verify(token: string): unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_ID = /^[1-9]\d{0,9}$/;
const MAX_USER_ID = 2_147_483_647;

/**
 * Issues and checks the API's JWTs through the injected codec: @fastify/jwt,
 * registered with HS256 as the only algorithm, so `alg: none` and every other
 * algorithm fail verification.
 */
export class TokenService {
  constructor(
    private readonly jwt: JwtCodec,
    private readonly lifetimes: Config["auth"],
  ) {}

  issuePair(userId: number, sessionId: string, refreshJti: string, now = new Date()): TokenPair {
    const iat = Math.floor(now.getTime() / 1000);
    const sub = String(userId);
    const access: TokenClaims = {
      sub,
      typ: "access",
      sid: sessionId,
      iat,
      exp: iat + this.lifetimes.accessTokenTtlSeconds,
    };
    const refresh: TokenClaims = {
      sub,
      typ: "refresh",
      sid: sessionId,
      jti: refreshJti,
      iat,
      exp: iat + this.lifetimes.refreshTokenTtlSeconds,
    };
    return {
      accessToken: this.jwt.sign(access),
      refreshToken: this.jwt.sign(refresh),
      expiresIn: this.lifetimes.accessTokenTtlSeconds,
    };
  }

  /** When a refresh token issued at `now` expires; the session row expires with it. */
  refreshExpiry(now = new Date()): Date {
    return new Date(Math.floor(now.getTime() / 1000) * 1000 + this.lifetimes.refreshTokenTtlSeconds * 1000);
  }

  /** Verifies signature, algorithm, expiry (`exp` and `iat` required) and kind; throws 401 INVALID_TOKEN otherwise. */
  verifyAccess(token: string): VerifiedToken {
    const { userId, sessionId } = this.verify(token, "access");
    return { userId, sessionId };
  }

  verifyRefresh(token: string): VerifiedRefreshToken {
    const { userId, sessionId, jti } = this.verify(token, "refresh");
    if (typeof jti !== "string" || !UUID.test(jti)) throw invalidToken();
    return { userId, sessionId, jti };
  }

  private verify(token: string, kind: TokenKind) {
    let claims: Partial<TokenClaims>;
    try {
      claims = this.jwt.verify(token) as Partial<TokenClaims>;
    } catch {
      throw invalidToken();
    }
    const { sub, typ, sid, jti, iat, exp } = claims;
    if (typ !== kind || typeof sub !== "string" || !USER_ID.test(sub) || typeof sid !== "string" || !UUID.test(sid)) {
      throw invalidToken();
    }
    // The verifier checks `exp` only when present: a token signed without one would never expire.
    if (!Number.isInteger(exp) || !Number.isInteger(iat)) throw invalidToken();
    const userId = Number(sub);
    if (userId > MAX_USER_ID) throw invalidToken();
    return { userId, sessionId: sid, jti };
  }
}
