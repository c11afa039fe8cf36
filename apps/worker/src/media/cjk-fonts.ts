import { MediaError } from "./media-error";
import { runProcessGroup } from "./process-group";

const FC_LIST_TIMEOUT_MS = 10_000;

/**
 * The font files fontconfig offers for Chinese text: what poppler substitutes when a PDF names a CJK font
 * without embedding it (STSong-Light, SimSun...). None means such text renders as empty boxes in thumbnails
 * and previews. Throws MediaError (INTERNAL) when `fc-list` (Debian `fontconfig`) cannot be run or fails.
 */
export async function findCjkFonts(fcListPath = "fc-list"): Promise<string[]> {
  const files: string[] = [];
  const { exitCode, stderr } = await runProcessGroup(fcListPath, [":lang=zh", "file"], {
    signal: AbortSignal.timeout(FC_LIST_TIMEOUT_MS),
    // One `<file>: ` line per font.
    onStdoutLine: (line) => {
      const file = line.replace(/:\s*$/, "");
      if (file !== "") files.push(file);
    },
  });
  if (exitCode !== 0) throw new MediaError("INTERNAL", `fc-list failed: ${stderr.trim() || `exit code ${exitCode}`}`);
  return files.sort();
}
