import { execFile } from "node:child_process";
import { MediaError } from "./media-error";

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a short-lived tool to completion, killing it (SIGKILL) when `signal` aborts; rejects with the signal's reason. */
export function runProcess(file: string, args: string[], signal: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { signal, killSignal: "SIGKILL", maxBuffer: 4 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (signal.aborted) return reject(signal.reason);
        if (error && typeof error.code !== "number") {
          return reject(new MediaError("NO_FFMPEG", `could not run ${file}: ${error.message}`, { cause: error }));
        }
        resolve({ exitCode: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}
