/**
 * Grants or removes the admin role: `pnpm user:admin <email> [--revoke]` from a checkout,
 * `node dist/user-admin.js <email> [--revoke]` in the API image (bundled beside the server).
 * Exit codes: 0 done, 1 no user with that email, 2 usage error, 3 failure
 * (configuration, database).
 */
import { loadConfig } from "@learning-hub/config";
import { createDatabase } from "@learning-hub/db";
import { AuditLogRepository } from "@learning-hub/db/repositories/audit-log";
import { UsersRepository } from "@learning-hub/db/repositories/users";

const USAGE =
  "usage: user:admin <email> [--revoke]\n" +
  "  (pnpm user:admin ... from a checkout, node dist/user-admin.js ... in the API image)\n";

function parseArguments(argv: string[]): { email: string; revoke: boolean } | undefined {
  const flags = argv.filter((a) => a.startsWith("-"));
  const positional = argv.filter((a) => !a.startsWith("-"));
  if (positional.length !== 1 || flags.some((f) => f !== "--revoke")) return undefined;
  const [email] = positional;
  return email ? { email, revoke: flags.includes("--revoke") } : undefined;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if (!parsed) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const database = createDatabase({ url: config.database.url, poolMax: 1 });
  try {
    const change = await new UsersRepository(database.db).setAdmin(parsed.email, !parsed.revoke);
    if (!change) {
      process.stderr.write(`No user with email ${parsed.email}; register first (POST /api/v1/auth/register).\n`);
      return 1;
    }
    const { user } = change;
    await new AuditLogRepository(database.db).record({
      actorId: null,
      actorSource: "cli",
      action: parsed.revoke ? "user.revoke_admin" : "user.grant_admin",
      targetType: "user",
      targetId: String(user.id),
      before: { is_admin: change.wasAdmin },
      after: { is_admin: user.isAdmin },
      requestId: null,
    });
    process.stdout.write(
      parsed.revoke
        ? `${user.email} (id ${user.id}) is no longer an admin.\n`
        : `${user.email} (id ${user.id}) is now an admin.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

/** The innermost cause says what went wrong (e.g. connection refused, missing table), without query parameters. */
function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`user:admin failed: ${rootCause(error)}\n`);
  process.exitCode = 3;
}
