import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { MediaError } from "./media-error";

export interface FfmpegBinaries {
  ffmpegPath: string;
  /** The bundled fallback ships no ffprobe; probing then parses `ffmpeg -i` output. */
  ffprobePath: string | null;
  source: "system" | "bundled";
}

export interface LocateFfmpegOptions {
  /** Directories to search, `path.delimiter`-separated. Defaults to the PATH the process was started with. */
  searchPath?: string;
  /** Set false to require a system ffmpeg (e.g. in tests of the lookup itself). */
  allowBundled?: boolean;
}

function findExecutable(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

function bundledFfmpegPath(): string | null {
  try {
    // Required lazily: the installer package throws (a string) at load time when its platform binary is missing.
    const require = createRequire(import.meta.url);
    const installer = require("@ffmpeg-installer/ffmpeg") as { path: string };
    accessSync(installer.path, constants.X_OK);
    return installer.path;
  } catch {
    return null;
  }
}

/**
 * Finds ffmpeg: the system one on PATH first (Debian's is newer and has ffprobe), else the binary of
 * `@ffmpeg-installer/ffmpeg`. Call once at start-up and log `source`; pass the result to the renderers.
 */
export function locateFfmpeg(options: LocateFfmpegOptions = {}): FfmpegBinaries {
  // PATH is how the OS finds executables, as spawn itself does; it is not application config.
  const searchPath = options.searchPath ?? process.env.PATH ?? "";
  const ffmpegExe = process.platform === "win32" ? "ffmpeg.exe" : "ffmpeg";
  const ffprobeExe = process.platform === "win32" ? "ffprobe.exe" : "ffprobe";

  const systemFfmpeg = findExecutable(ffmpegExe, searchPath);
  if (systemFfmpeg) {
    // Prefer the ffprobe that sits next to this ffmpeg so both come from the same build.
    const sibling = findExecutable(ffprobeExe, path.dirname(systemFfmpeg));
    return {
      ffmpegPath: systemFfmpeg,
      ffprobePath: sibling ?? findExecutable(ffprobeExe, searchPath),
      source: "system",
    };
  }
  const bundled = options.allowBundled === false ? null : bundledFfmpegPath();
  if (bundled) return { ffmpegPath: bundled, ffprobePath: null, source: "bundled" };
  throw new MediaError(
    "NO_FFMPEG",
    "no ffmpeg binary found on PATH and @ffmpeg-installer/ffmpeg has none for this platform",
  );
}
