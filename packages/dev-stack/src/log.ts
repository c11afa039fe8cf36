/** The launcher's own lines go to stderr so that the apps' JSON logs on stdout stay machine-readable. */
export function log(message: string): void {
  process.stderr.write(`[dev-stack] ${message}\n`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failure whose message is meant for the user as-is (no stack trace). */
export class StackError extends Error {
  override name = "StackError";
}
