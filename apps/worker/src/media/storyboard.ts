import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { startDeadline } from "./deadline";
import { type FfmpegBinaries, locateFfmpeg } from "./ffmpeg-binary";
import { reasonFromFfmpegOutput } from "./ffmpeg-reason";
import { asMediaError, MediaError } from "./media-error";
import { probeVideo } from "./probe-video";
import { runProcessGroup } from "./process-group";
import { chooseStoryboardInterval, storyboardCues, storyboardTileSize, storyboardVtt } from "./storyboard-layout";

export interface StoryboardOptions {
  /** Default 160 px; the height follows the video's aspect ratio. */
  tileWidth?: number;
  /** Most frames in the whole storyboard; the interval grows with the duration to stay under it. Default 300. */
  maxTiles?: number;
  /** Tiles per row of a sprite sheet. Default 10. */
  columns?: number;
  /** Rows per sprite sheet. Default 10 (100 tiles, 1600x900 px for 16:9). */
  rows?: number;
  /** JPEG quality 1..100. Default 75. */
  quality?: number;
  /** Videos longer than this decode only their key frames (each tile is then the key frame before its time). */
  keyframesOnlyAfterSeconds?: number;
  /** Sprite sheet names as the VTT refers to them (relative to the VTT). Default `storyboard-<n>.jpg`, 1-based. */
  spriteName?: (index: number) => string;
  binaries?: FfmpegBinaries;
  niceness?: number;
  /** Default 30 min. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Storyboard {
  sprites: Array<{ name: string; jpeg: Buffer }>;
  vtt: string;
  intervalSeconds: number;
  tileWidth: number;
  tileHeight: number;
  tileCount: number;
  durationSeconds: number;
}

const DEFAULTS = {
  tileWidth: 160,
  maxTiles: 300,
  columns: 10,
  rows: 10,
  quality: 75,
  keyframesOnlyAfterSeconds: 600,
  niceness: 10,
  timeoutMs: 30 * 60 * 1000,
};

/**
 * Frames of a video every `interval` seconds (chosen from the duration), laid out on sprite sheets, plus a
 * WebVTT thumbnails track whose `#xywh=` cues cover the whole duration. ffmpeg extracts the small frames
 * (nice'd, in a process group killed on timeout); the sheets are composed here, so the cues match the tiles
 * ffmpeg actually wrote.
 */
export async function renderStoryboard(input: string, options: StoryboardOptions = {}): Promise<Storyboard> {
  const settings = { ...DEFAULTS, ...options };
  const spriteName = options.spriteName ?? ((index: number) => `storyboard-${index + 1}.jpg`);
  const deadline = startDeadline(settings.timeoutMs, "storyboard", options.signal);
  let workDir: string | undefined;
  try {
    const binaries = options.binaries ?? locateFfmpeg();
    const probe = await probeVideo(binaries, input, deadline.signal);
    const durationSeconds = probe.durationSeconds;
    if (!durationSeconds) throw new MediaError("UNREADABLE_INPUT", "the video has no known duration");
    const intervalSeconds = chooseStoryboardInterval(durationSeconds, settings.maxTiles);
    const tile = storyboardTileSize(probe.width, probe.height, settings.tileWidth);
    workDir = await mkdtemp(path.join(tmpdir(), "storyboard-"));
    const keyframesOnly = durationSeconds > settings.keyframesOnlyAfterSeconds;
    const { exitCode, stderr } = await runProcessGroup(
      binaries.ffmpegPath,
      [
        ...["-nostdin", "-hide_banner", "-v", "error", ...(keyframesOnly ? ["-skip_frame", "nokey"] : []), "-i", input],
        ...["-an", "-sn", "-dn", "-vf", `fps=1/${intervalSeconds},scale=${tile.width}:${tile.height},setsar=1`],
        ...["-frames:v", String(settings.maxTiles), "-q:v", "3", "-f", "image2", path.join(workDir, "tile-%05d.jpg")],
      ],
      { signal: deadline.signal, niceness: settings.niceness },
    );
    if (exitCode !== 0) {
      throw new MediaError(
        "UNREADABLE_INPUT",
        `ffmpeg could not read the video: ${reasonFromFfmpegOutput(stderr, input)}`,
      );
    }
    const tileFiles = (await readdir(workDir)).filter((name) => name.startsWith("tile-")).sort();
    if (tileFiles.length === 0) throw new MediaError("NO_FRAME", "ffmpeg read the video but produced no frame");

    const tilesPerSprite = settings.columns * settings.rows;
    const sprites: Storyboard["sprites"] = [];
    for (let first = 0; first < tileFiles.length; first += tilesPerSprite) {
      deadline.throwIfAborted();
      const names = tileFiles.slice(first, first + tilesPerSprite);
      const rows = Math.ceil(names.length / settings.columns);
      const columns = Math.min(names.length, settings.columns);
      const canvas = createCanvas(columns * tile.width, rows * tile.height);
      const context = canvas.getContext("2d");
      for (const [index, name] of names.entries()) {
        const image = await loadImage(await readFile(path.join(workDir, name)));
        const x = (index % settings.columns) * tile.width;
        const y = Math.floor(index / settings.columns) * tile.height;
        context.drawImage(image, x, y, tile.width, tile.height);
      }
      sprites.push({ name: spriteName(sprites.length), jpeg: await canvas.encode("jpeg", settings.quality) });
    }
    const cues = storyboardCues({
      tileCount: tileFiles.length,
      intervalSeconds,
      durationSeconds,
      columns: settings.columns,
      tilesPerSprite,
      tileWidth: tile.width,
      tileHeight: tile.height,
    });
    return {
      sprites,
      vtt: storyboardVtt(
        cues,
        sprites.map((sprite) => sprite.name),
        tile,
      ),
      intervalSeconds,
      tileWidth: tile.width,
      tileHeight: tile.height,
      tileCount: cues.length,
      durationSeconds,
    };
  } catch (error) {
    throw asMediaError(error, "storyboard failed");
  } finally {
    deadline.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
