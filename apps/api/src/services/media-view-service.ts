import { MediaRepository, type MediaSubject } from "@learning-hub/db/repositories/media";
import type { ServiceDependencies } from "../dependencies";
import { notFound } from "../errors/app-error";
import type { PagePreviewList, Storyboard } from "../schemas/media";

const materialNotFound = () => notFound("Material not found");

/** Issue 15: page previews and storyboards, visible as the material's detail is (others: active only). */
export class MediaViewService {
  constructor(private readonly media: MediaRepository) {}

  async pages(materialId: number, viewerId: number | undefined): Promise<PagePreviewList> {
    await this.#visible(materialId, viewerId);
    const pages = await this.media.listPages(materialId);
    return {
      page_count: pages.length,
      pages: pages.map((page) => ({
        page: page.page,
        preview_path: page.previewPath,
        width: page.width,
        height: page.height,
      })),
    };
  }

  async storyboard(materialId: number, viewerId: number | undefined): Promise<Storyboard> {
    await this.#visible(materialId, viewerId);
    const record = await this.media.findStoryboard(materialId);
    if (!record) throw notFound("This material has no storyboard (yet)");
    return {
      vtt_path: record.vttPath,
      sprite_paths: record.spritePaths,
      interval_seconds: record.intervalSeconds,
      tile_width: record.tileWidth,
      tile_height: record.tileHeight,
    };
  }

  async #visible(materialId: number, viewerId: number | undefined): Promise<MediaSubject> {
    const subject = await this.media.findSubject(materialId);
    if (!subject || subject.status === "hidden") throw materialNotFound();
    if (subject.status !== "active" && subject.uploaderId !== viewerId) throw materialNotFound();
    return subject;
  }
}

export const createMediaViewService = (deps: ServiceDependencies) =>
  new MediaViewService(new MediaRepository(deps.database.db));
