/**
 * Per-request cost of the revocation check: req/s of `GET /api/v1/auth/me`
 * over real sockets, for three ways of checking an access token:
 *   - jwt-only:  signature and expiry only (a stateless JWT; the baseline),
 *   - cached:    + session/user state from PostgreSQL, reused for 1 s (what the app runs),
 *   - uncached:  + one PostgreSQL query per request.
 * The handler itself loads the profile (one query) in every variant.
 *
 *   pnpm tsx bench/auth/me-throughput.ts [seconds per slice] [connections] [users] [slices]
 */
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import postgres from "postgres";
import { jwtCodec, jwtPlugin } from "../../apps/api/src/plugins/auth";
import { errorHandlerPlugin } from "../../apps/api/src/plugins/error-handler";
import { routePolicyPlugin } from "../../apps/api/src/plugins/route-policy";
import { authRoutes } from "../../apps/api/src/routes/auth";
import { registerSharedSchemas } from "../../apps/api/src/schemas";
import { AuthService } from "../../apps/api/src/services/auth-service";
import { PasswordHasher } from "../../apps/api/src/services/password-hasher";
import { SessionAccessCache } from "../../apps/api/src/services/session-access-cache";
import { TokenService } from "../../apps/api/src/services/token-service";
import { loadConfig } from "../../packages/config/src/index";
import { createDatabase, runMigrations } from "../../packages/db/src/index";
import { AuthSessionsRepository, type SessionAccess } from "../../packages/db/src/repositories/auth-sessions";
import { UsersRepository } from "../../packages/db/src/repositories/users";
import { databaseUrl, LOCAL_POSTGRES_ADMIN_URL } from "../../packages/testing/src/constants";

const seconds = Number(process.argv[2] ?? 1);
const slices = Number(process.argv[5] ?? 8);
const connections = Number(process.argv[3] ?? 32);
const userCount = Number(process.argv[4] ?? 100);
const out = (line = "") => process.stdout.write(`${line}\n`);

const databaseName = "lh_bench_auth";
const admin = postgres(LOCAL_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
await admin.unsafe(`create database ${databaseName}`);
await admin.end();
const url = databaseUrl(LOCAL_POSTGRES_ADMIN_URL, databaseName);
await runMigrations(url);

const config = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: url,
  REDIS_URL: "redis://127.0.0.1:6379",
  S3_ENDPOINT: "http://127.0.0.1:9000",
  JWT_SECRET: "bench-secret-of-sufficient-length-0123456789",
});
const database = createDatabase({ url, poolMax: 10 });
const sessions = new AuthSessionsRepository(database.db);
const passwords = new PasswordHasher();

/** Never revoked, always active: the check a stateless JWT does not make. */
const noCheck = {
  get: async (): Promise<SessionAccess> => ({ user: { isActive: true, isAdmin: false }, sessionLive: true }),
  forget: () => {},
} as unknown as SessionAccessCache;

const variants: Record<string, SessionAccessCache> = {
  "jwt-only": noCheck,
  cached: new SessionAccessCache(sessions, { ttlMs: 1000, maxEntries: 10_000 }),
  uncached: new SessionAccessCache(sessions, { ttlMs: 0, maxEntries: 0 }),
};

async function buildVariant(sessionAccess: SessionAccessCache): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerSharedSchemas(app);
  await app.register(errorHandlerPlugin);
  await app.register(jwtPlugin, { config });
  const auth = new AuthService(
    new UsersRepository(database.db),
    sessions,
    sessionAccess,
    passwords,
    new TokenService(jwtCodec(app), config.auth),
  );
  await app.register(routePolicyPlugin, { auth });
  await app.register(authRoutes, { prefix: "/api/v1/auth", auth, rateLimit: config.rateLimit });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return app;
}

async function loginAll(app: FastifyInstance): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < userCount; i++) {
    const email = `bench-${i}@example.com`;
    const password = "bench-password";
    await app.inject({ method: "POST", url: "/api/v1/auth/register", payload: { email, name: "Bench", password } });
    const res = await app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
    tokens.push(res.json().access_token);
  }
  return tokens;
}

/** Keeps `connections` keep-alive requests in flight for `durationMs`; returns how many completed. */
async function measure(port: number, tokens: string[], durationMs: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const deadline = Date.now() + durationMs;
  let completed = 0;
  let failed = 0;
  let next = 0;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const token = tokens[next++ % tokens.length];
      const req = request(
        { host: "127.0.0.1", port, path: "/api/v1/auth/me", agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await once();
        completed++;
      }
    }),
  );
  agent.destroy();
  if (failed > 0) throw new Error(`${failed} requests did not answer 200`);
  return completed;
}

const portOf = (app: FastifyInstance) => (app.server.address() as AddressInfo).port;

const claimsOf = (token: string): { sid: string; userId: number } => {
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  return { sid: claims.sid, userId: Number(claims.sub) };
};

const apps = Object.fromEntries(
  await Promise.all(Object.entries(variants).map(async ([name, cache]) => [name, await buildVariant(cache)] as const)),
);
const tokens = await loginAll(apps["jwt-only"] as FastifyInstance);

out(`GET /api/v1/auth/me, ${connections} connections, ${userCount} users/sessions round-robin`);
out(`${slices} slices of ${seconds}s per variant, interleaved so background load falls on all variants alike`);
const totals = Object.fromEntries(Object.keys(variants).map((name) => [name, { requests: 0, seconds: 0 }]));
for (const [, app] of Object.entries(apps)) await measure(portOf(app), tokens, 1000); // warm-up, not counted
for (let slice = 0; slice < slices; slice++) {
  for (const [name, app] of Object.entries(apps)) {
    const started = Date.now();
    const requests = await measure(portOf(app), tokens, seconds * 1000);
    const total = totals[name];
    if (!total) continue;
    total.requests += requests;
    total.seconds += (Date.now() - started) / 1000;
  }
}
const rate = (name: string) => (totals[name] ? totals[name].requests / totals[name].seconds : 0);
const baseline = rate("jwt-only");
for (const name of Object.keys(variants)) {
  out(
    `${name.padEnd(9)} ${rate(name).toFixed(0).padStart(7)} req/s  ratio vs jwt-only ${(rate(name) / baseline).toFixed(3)}`,
  );
}

// The check on its own, one call at a time: a cache hit against a PostgreSQL round trip.
const sample = tokens.length > 0 ? claimsOf(tokens[0] as string) : undefined;
if (sample) {
  const iterations = 2000;
  const timeOf = async (cache: SessionAccessCache) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await cache.get(sample.sid, sample.userId);
    return Number(process.hrtime.bigint() - started) / 1000 / iterations;
  };
  await timeOf(variants.cached as SessionAccessCache);
  const hit = await timeOf(variants.cached as SessionAccessCache);
  const query = await timeOf(variants.uncached as SessionAccessCache);
  out(
    `check alone: cached ${hit.toFixed(2)} µs/request, uncached ${query.toFixed(0)} µs/request (one query), ratio ${(query / hit).toFixed(0)}x`,
  );
}

for (const app of Object.values(apps)) await app.close();
await database.close();
const dropper = postgres(LOCAL_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
await dropper.unsafe(`drop database if exists ${databaseName} with (force)`);
await dropper.end();
