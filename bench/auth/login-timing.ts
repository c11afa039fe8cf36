/**
 * Does a failed login tell whether the email exists? Times `POST
 * /api/v1/auth/login` for a wrong password of a real account (the baseline)
 * against an unknown email, alternating the two so load falls on both alike.
 *
 *   pnpm tsx bench/auth/login-timing.ts [attempts per case]
 */
import Fastify from "fastify";
import postgres from "postgres";
import { jwtCodec, jwtPlugin } from "../../apps/api/src/plugins/auth";
import { errorHandlerPlugin } from "../../apps/api/src/plugins/error-handler";
import { routePolicyPlugin } from "../../apps/api/src/plugins/route-policy";
import { authRoutes } from "../../apps/api/src/routes/auth";
import { registerSharedSchemas } from "../../apps/api/src/schemas";
import { createAuthService } from "../../apps/api/src/services/auth-service";
import { loadConfig } from "../../packages/config/src/index";
import { createDatabase, runMigrations } from "../../packages/db/src/index";
import { databaseUrl, LOCAL_POSTGRES_ADMIN_URL } from "../../packages/testing/src/constants";

const attempts = Number(process.argv[2] ?? 60);
const out = (line = "") => process.stdout.write(`${line}\n`);

const databaseName = "lh_bench_auth_login";
const admin = postgres(LOCAL_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
await admin.unsafe(`create database ${databaseName}`);
const url = databaseUrl(LOCAL_POSTGRES_ADMIN_URL, databaseName);
await runMigrations(url);

const config = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: url,
  REDIS_URL: "redis://127.0.0.1:6379",
  S3_ENDPOINT: "http://127.0.0.1:9000",
});
const database = createDatabase({ url, poolMax: 4 });
const app = Fastify({ logger: false });
registerSharedSchemas(app);
await app.register(errorHandlerPlugin);
await app.register(jwtPlugin, { config });
const auth = createAuthService(database.db, jwtCodec(app), config);
await app.register(routePolicyPlugin, { auth });
await app.register(authRoutes, { prefix: "/api/v1/auth", auth, rateLimit: config.rateLimit });
await app.ready();

const email = "timing@example.com";
await app.inject({
  method: "POST",
  url: "/api/v1/auth/register",
  payload: { email, name: "Timing", password: "right-password" },
});

async function timeLogin(loginEmail: string): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: loginEmail, password: "wrong-password" },
  });
  if (res.statusCode !== 401) throw new Error(`expected 401, got ${res.statusCode}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const samples = { "wrong password": [] as number[], "unknown email": [] as number[] };
for (let i = 0; i < 5; i++) await timeLogin(email); // warm-up
for (let i = 0; i < attempts; i++) {
  samples["wrong password"].push(await timeLogin(email));
  samples["unknown email"].push(await timeLogin(`nobody-${i}@example.com`));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const baseline = median(samples["wrong password"]);
out(`POST /api/v1/auth/login answering 401, ${attempts} attempts per case, alternating`);
for (const [name, xs] of Object.entries(samples)) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  out(
    `${name.padEnd(15)} median ${median(xs).toFixed(1)} ms  mean ${mean.toFixed(1)} ms  ratio vs wrong password ${(median(xs) / baseline).toFixed(3)}`,
  );
}

await app.close();
await database.close();
await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
await admin.end();
