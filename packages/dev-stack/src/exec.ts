import { childEnvironment, configuredServiceUrls, devStackSettings } from "@learning-hub/config";
import { within } from "./net";
import { exitCode, runCommand } from "./processes";
import { provideServices } from "./services";
import { shutdownRequested } from "./shutdown";
import { stackPaths } from "./stack";

/** `exec -- cmd...`: runs one command with the services it needs, then stops what it started. */
export async function runExec(command: string, args: string[]): Promise<number> {
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  let interrupted = false;
  void shutdownRequested((signal) => {
    interrupted = true;
    forward?.(signal);
  });

  const settings = devStackSettings();
  const services = await provideServices(configuredServiceUrls(), settings, stackPaths(settings.dataDir), "leave");
  if (interrupted) {
    await services.stop();
    return 130;
  }
  try {
    const { child, exited } = runCommand(command, args, { cwd: process.cwd(), env: childEnvironment(services.env) });
    forward = (signal) => {
      // A terminal Ctrl-C reaches the command by itself (same process group); pass it on only
      // if it is still running shortly after, i.e. the SIGINT was sent to the launcher alone.
      if (signal !== "SIGINT") child.kill(signal);
      else void within(exited, 300).then((exit) => exit === "timeout" && child.kill(signal));
    };
    return exitCode(await exited);
  } finally {
    await services.stop();
  }
}
