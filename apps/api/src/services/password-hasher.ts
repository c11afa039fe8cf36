import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id with the OWASP minimum profile: m = 19 MiB (19456 KiB), t = 2
 * passes, p = 1 lane, 16-byte random salt, 32-byte output. About 20-30 ms per
 * hash on one core, which bounds a brute-force attacker without making login
 * slow. Parameters travel inside each PHC string, so raising them later keeps
 * old hashes verifiable.
 */
export const ARGON2_OPTIONS = {
  /** `Algorithm.Argon2id`; the package exports it as a const enum, which isolated modules cannot read. */
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

export class PasswordHasher {
  /**
   * Hash of a random secret that no password matches: unknown emails verify
   * against it. Made up front so even the first such login costs one verification.
   */
  private readonly dummyHash = this.hash(randomBytes(32).toString("base64url"));

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A corrupt stored hash is a failed login, not a server error.
      return false;
    }
  }

  /** Spends the same time as a real verification, so a response never tells whether an email exists. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
