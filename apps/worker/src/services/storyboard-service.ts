import type { MediaRepository } from "@learning-hub/db/repositories/media";
import { type ObjectStorage, storyboardFolder } from "@learning-hub/storage";
import type { Logger } from "pino";
import { type FfmpegBinaries, renderStoryboard } from "../media";

export interface StoryboardServiceDependencies {
  repository: MediaRepository;
  storage: ObjectStorage;
  ffmpeg: FfmpegBinaries;
  maxTiles: number;
  niceness: number;
  jobTimeoutMs: number;
}

export type StoryboardOutcome = "completed" | "not-a-video" | "material-gone";

const VTT_NAME = "storyboard.vtt";
/** A presigned URL must outlive the render that reads it. */
const MIN_PRESIGN_SECONDS = 15 * 60;

/** The `render_storyboard` job: sprite sheets and a WebVTT thumbnails track stored beside each other. */
export class StoryboardService {
  constructor(private readonly deps: StoryboardServiceDependencies) {}

  async render(materialId: number, attempt: { logger: Logger; signal: AbortSignal }): Promise<StoryboardOutcome> {
    const { repository, storage } = this.deps;
    const subject = await repository.findSubject(materialId);
    if (!subject || subject.status === "hidden") return "material-gone";
    if (subject.type !== "video") return "not-a-video";
    if (subject.status !== "active") throw new Error(`material ${materialId} is still ${subject.status}`);

    const expirySeconds = Math.max(MIN_PRESIGN_SECONDS, Math.ceil(this.deps.jobTimeoutMs / 1000));
    const url = await storage.presignedGetUrl(subject.filePath, expirySeconds);
    const storyboard = await renderStoryboard(url, {
      binaries: this.deps.ffmpeg,
      maxTiles: this.deps.maxTiles,
      niceness: this.deps.niceness,
      timeoutMs: Math.floor(this.deps.jobTimeoutMs * 0.9),
      signal: attempt.signal,
      spriteName: (index) => `sprite-${index + 1}.jpg`,
    });
    const folder = storyboardFolder(subject.uploaderId, subject.id);
    const spritePaths = storyboard.sprites.map((sprite) => `${folder}${sprite.name}`);
    for (const [index, sprite] of storyboard.sprites.entries()) {
      await storage.putBuffer(spritePaths[index] as string, sprite.jpeg, "image/jpeg");
    }
    const vttPath = `${folder}${VTT_NAME}`;
    await storage.putBuffer(vttPath, Buffer.from(storyboard.vtt, "utf8"), "text/vtt");
    const recorded = await repository.setStoryboard(materialId, {
      vttPath,
      spritePaths,
      intervalSeconds: storyboard.intervalSeconds,
      tileWidth: storyboard.tileWidth,
      tileHeight: storyboard.tileHeight,
    });
    if (!recorded) {
      await storage.removeMany([vttPath, ...spritePaths]);
      return "material-gone";
    }
    return "completed";
  }
}
