import type { UsersRepository } from "@learning-hub/db/repositories/users";
import type { Logger } from "pino";

export type BootstrapAdminOutcome = "not-configured" | "granted" | "not-registered";

/**
 * The first admin of an install without a shell in the container: at API start, the account of
 * `ADMIN_EMAIL` gets the admin role. Granting an admin again changes nothing, so every replica may do
 * it at every start. An email nobody registered yet only warns: register it, then restart the API.
 */
export async function grantBootstrapAdmin(
  users: UsersRepository,
  email: string | undefined,
  logger: Pick<Logger, "info" | "warn">,
): Promise<BootstrapAdminOutcome> {
  if (email === undefined) return "not-configured";
  const change = await users.setAdmin(email, true);
  if (!change) {
    logger.warn({ email }, "ADMIN_EMAIL names no registered user yet; register it, then restart the API");
    return "not-registered";
  }
  logger.info({ userId: change.user.id }, "ADMIN_EMAIL: the account has the admin role");
  return "granted";
}
