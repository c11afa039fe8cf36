import type { MaterialType } from "@learning-hub/db";
import { LikesRepository } from "@learning-hub/db/repositories/likes";
import { type MaterialSortBy, MaterialsRepository, type SortOrder } from "@learning-hub/db/repositories/materials";
import { SearchRepository } from "@learning-hub/db/repositories/search";
import type { ServiceDependencies } from "../dependencies";
import { alreadyDeleted, forbidden, invalidStatus, materialNotFound } from "../errors/app-error";
import {
  type LikeToggle,
  type MaterialDetail,
  type MaterialPage,
  toMaterialListItem,
  toRelatedMaterial,
} from "../schemas/material";
import { pageOf } from "./paging";
import { parseQuery } from "./search-service";
import { DEFAULT_VIEW_COUNTER, ViewCounter, type Viewer } from "./view-counter";

export const RELATED_MATERIALS_LIMIT = 4;

export interface ListMaterialsInput {
  page: number;
  pageSize: number;
  sortBy: MaterialSortBy;
  sortOrder: SortOrder;
  type?: MaterialType;
  /** Only this uploader's materials ("my materials"). */
  uploaderId?: number;
  /** Only materials matching this search query (same matching as `GET /search`), in the list's own order. */
  q?: string;
  userId?: number;
}

/** Browsing, viewing, liking and withdrawing materials. */
export class CatalogueService {
  constructor(
    private readonly materials: MaterialsRepository,
    private readonly likes: LikesRepository,
    private readonly views: ViewCounter,
    private readonly search: SearchRepository,
  ) {}

  async list(input: ListMaterialsInput): Promise<MaterialPage> {
    if (input.q !== undefined) return this.listMatching(input, input.q);
    const [rows, total] = await Promise.all([
      this.materials.listActive({ ...input, viewerId: input.userId }),
      this.materials.countActive(input.type, input.uploaderId),
    ]);
    return pageOf(rows.map(toMaterialListItem), total, input);
  }

  private async listMatching(input: ListMaterialsInput, q: string): Promise<MaterialPage> {
    const query = parseQuery(q);
    if (!query) return pageOf([], 0, input);
    const filters = { type: input.type, uploaderId: input.uploaderId };
    const [rows, total] = await Promise.all([
      this.search.listMatching({ ...input, ...filters, query, viewerId: input.userId }),
      this.search.count(query, filters),
    ]);
    return pageOf(rows.map(toMaterialListItem), total, input);
  }

  /**
   * A material as its viewer may see it: anything but `active` is visible to
   * its uploader only (404 to everyone else). Counts the view, in parallel
   * with loading the related materials.
   */
  async detail(id: number, viewer: Viewer): Promise<MaterialDetail> {
    const userId = "userId" in viewer ? viewer.userId : undefined;
    const material = await this.materials.findForViewer(id, userId);
    if (!material || (material.status !== "active" && material.uploaderId !== userId)) throw materialNotFound();
    const [related] = await Promise.all([
      this.materials.findRelated(material, RELATED_MATERIALS_LIMIT),
      this.views.record(id, viewer),
    ]);
    return { ...toMaterialListItem(material), related_materials: related.map(toRelatedMaterial) };
  }

  /**
   * Soft delete by the uploader. A material that is not active is invisible to
   * others, so they get 404 for it rather than learning it exists.
   */
  async remove(id: number, userId: number): Promise<void> {
    const material = await this.materials.findOwnership(id);
    if (!material) throw materialNotFound();
    if (material.uploaderId !== userId) {
      if (material.status !== "active") throw materialNotFound();
      throw forbidden("Only the uploader can delete this material");
    }
    if (!(await this.materials.hide(id))) {
      throw alreadyDeleted();
    }
  }

  async toggleLike(id: number, userId: number): Promise<LikeToggle> {
    const result = await this.likes.toggle(userId, id);
    switch (result.outcome) {
      case "not_found":
        throw materialNotFound();
      case "not_active":
        throw invalidStatus(`Cannot like a material that is ${result.status}`, { status: result.status });
      case "toggled":
        return { is_liked: result.isLiked, like_count: result.likeCount };
    }
  }

  /** Flushes buffered views; call on shutdown. */
  close(): Promise<void> {
    return this.views.close();
  }
}

export function createCatalogueService(deps: ServiceDependencies): CatalogueService {
  const materials = new MaterialsRepository(deps.database.db);
  const views = new ViewCounter(deps.redis, materials, deps.logger, {
    ...DEFAULT_VIEW_COUNTER,
    prefix: deps.config.redis.prefix,
  });
  return new CatalogueService(
    materials,
    new LikesRepository(deps.database.db),
    views,
    new SearchRepository(deps.database.db),
  );
}
