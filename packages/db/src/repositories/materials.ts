import { and, asc, count, desc, eq, getTableColumns, inArray, ne, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import { likes, type MaterialRow, type MaterialStatus, type MaterialType, materials, users } from "../schema";
import { isActiveMaterial } from "./material-filters";

export type MaterialSortBy = "created_at" | "view_count" | "like_count";
export type SortOrder = "asc" | "desc";

export interface MaterialListQuery {
  /** 1-based. */
  page: number;
  pageSize: number;
  sortBy: MaterialSortBy;
  sortOrder: SortOrder;
  type?: MaterialType;
  /** Only this uploader's materials ("my materials"). */
  uploaderId?: number;
  /** The caller, for `isLiked`; anonymous callers like nothing. */
  viewerId?: number;
}

/** A material with its uploader's public fields and whether the viewer liked it. */
export interface CatalogueMaterial extends MaterialRow {
  uploaderName: string;
  uploaderAvatar: string | null;
  isLiked: boolean;
}

export interface RelatedMaterial {
  id: number;
  title: string;
  type: MaterialType;
  thumbnailPath: string | null;
  viewCount: number;
  likeCount: number;
}

const sortColumns = {
  created_at: materials.createdAt,
  view_count: materials.viewCount,
  like_count: materials.likeCount,
} as const;

const isActive = isActiveMaterial();

/** A bound value, or a placeholder filled when a prepared query runs. */
type Bound<T> = T | Placeholder;

const likedBy = (viewerId: Bound<number> | undefined): SQL<boolean> =>
  viewerId === undefined
    ? sql<boolean>`false`
    : sql<boolean>`exists (select 1 from ${likes} where ${likes.userId} = ${viewerId} and ${likes.materialId} = ${materials.id})`;

/** Every column but the search vector, which only SQL reads. */
export const materialColumns = (() => {
  const { searchVector: _searchVector, ...columns } = getTableColumns(materials);
  return columns;
})();

const catalogueColumns = (viewerId: Bound<number> | undefined) => ({
  ...materialColumns,
  uploaderName: users.name,
  uploaderAvatar: users.avatarUrl,
  isLiked: likedBy(viewerId),
});

/** What varies a list query's text; everything else is a bind parameter. */
interface ListShape {
  sortBy: MaterialSortBy;
  sortOrder: SortOrder;
  typed: boolean;
  byUploader: boolean;
  signedIn: boolean;
}

interface ListValues {
  limit: Bound<number>;
  offset: Bound<number>;
  type: Bound<MaterialType> | undefined;
  uploaderId: Bound<number> | undefined;
  viewerId: Bound<number> | undefined;
}

const listValues = (query: MaterialListQuery) => ({
  limit: query.pageSize,
  offset: (query.page - 1) * query.pageSize,
  type: query.type,
  uploaderId: query.uploaderId,
  viewerId: query.viewerId,
});

/** Catalogue reads and the owner's soft delete; uploads and thumbnails keep their own repositories. */
export class MaterialsRepository {
  /**
   * The list and count queries are built once per shape and reused: building
   * them costs more than running them (see bench/catalogue).
   */
  private readonly preparedLists = new Map<string, ReturnType<MaterialsRepository["prepareList"]>>();
  private readonly preparedCounts = new Map<string, ReturnType<MaterialsRepository["prepareCount"]>>();

  constructor(private readonly db: Database) {}

  /**
   * One page of active materials, ordered by the sort column then id in the
   * same direction (a total order, so pages never overlap or skip).
   *
   * A deferred join: the inner query pages through the sort order's partial
   * index alone (an index-only scan, forwards for asc, backwards for desc, no
   * sort), and only the page's rows are then fetched, joined to their
   * uploader and probed for the viewer's like (a primary-key lookup each).
   * One query per page whatever its size or depth.
   */
  listActive(query: MaterialListQuery): Promise<CatalogueMaterial[]> {
    const shape = {
      sortBy: query.sortBy,
      sortOrder: query.sortOrder,
      typed: query.type !== undefined,
      byUploader: query.uploaderId !== undefined,
      signedIn: query.viewerId !== undefined,
    };
    const key = `${shape.sortBy}:${shape.sortOrder}:${shape.typed}:${shape.byUploader}:${shape.signedIn}`;
    let prepared = this.preparedLists.get(key);
    if (!prepared) {
      prepared = this.prepareList(shape);
      this.preparedLists.set(key, prepared);
    }
    return prepared.execute(listValues(query));
  }

  async countActive(type?: MaterialType, uploaderId?: number): Promise<number> {
    const typed = type !== undefined;
    const byUploader = uploaderId !== undefined;
    const key = `${typed}:${byUploader}`;
    let prepared = this.preparedCounts.get(key);
    if (!prepared) {
      prepared = this.prepareCount(typed, byUploader);
      this.preparedCounts.set(key, prepared);
    }
    const [row] = await prepared.execute({ type, uploaderId });
    return row?.total ?? 0;
  }

  private buildList(values: ListValues, shape: Pick<ListShape, "sortBy" | "sortOrder">) {
    const direction = shape.sortOrder === "asc" ? asc : desc;
    const page = this.db
      .select({ id: materials.id, sortKey: sortColumns[shape.sortBy] })
      .from(materials)
      .where(this.activeFilter(values.type, values.uploaderId))
      .orderBy(direction(sortColumns[shape.sortBy]), direction(materials.id))
      .limit(values.limit)
      .offset(values.offset)
      .as("page");
    return this.db
      .select(catalogueColumns(values.viewerId))
      .from(page)
      .innerJoin(materials, eq(materials.id, page.id))
      .innerJoin(users, eq(users.id, materials.uploaderId))
      .orderBy(direction(page.sortKey), direction(page.id));
  }

  private prepareList(shape: ListShape) {
    const values = {
      limit: sql.placeholder("limit"),
      offset: sql.placeholder("offset"),
      type: shape.typed ? sql.placeholder("type") : undefined,
      uploaderId: shape.byUploader ? sql.placeholder("uploaderId") : undefined,
      viewerId: shape.signedIn ? sql.placeholder("viewerId") : undefined,
    };
    const name = `catalogue_list_${shape.sortBy}_${shape.sortOrder}_${shape.typed}_${shape.byUploader}_${shape.signedIn}`;
    return this.buildList(values, shape).prepare(name);
  }

  private prepareCount(typed: boolean, byUploader: boolean) {
    return this.db
      .select({ total: count() })
      .from(materials)
      .where(
        this.activeFilter(
          typed ? sql.placeholder("type") : undefined,
          byUploader ? sql.placeholder("uploaderId") : undefined,
        ),
      )
      .prepare(`catalogue_count_${typed}_${byUploader}`);
  }

  /** Any status: the caller decides who may see a material that is not active. */
  async findForViewer(id: number, viewerId?: number): Promise<CatalogueMaterial | undefined> {
    const [row] = await this.db
      .select(catalogueColumns(viewerId))
      .from(materials)
      .innerJoin(users, eq(users.id, materials.uploaderId))
      .where(eq(materials.id, id));
    return row;
  }

  /** Up to `limit` other active materials of the type: most liked first, then newest. */
  findRelated(material: { id: number; type: MaterialType }, limit: number): Promise<RelatedMaterial[]> {
    return this.db
      .select({
        id: materials.id,
        title: materials.title,
        type: materials.type,
        thumbnailPath: materials.thumbnailPath,
        viewCount: materials.viewCount,
        likeCount: materials.likeCount,
      })
      .from(materials)
      .where(and(isActive, eq(materials.type, material.type), ne(materials.id, material.id)))
      .orderBy(desc(materials.likeCount), desc(materials.createdAt), desc(materials.id))
      .limit(limit);
  }

  async findOwnership(
    id: number,
  ): Promise<{ uploaderId: number; status: MaterialStatus; type: MaterialType } | undefined> {
    const [row] = await this.db
      .select({ uploaderId: materials.uploaderId, status: materials.status, type: materials.type })
      .from(materials)
      .where(eq(materials.id, id));
    return row;
  }

  /** Sets `hidden`; false when it already was (so two concurrent deletes cannot both succeed). */
  async hide(id: number): Promise<boolean> {
    const hidden = await this.db
      .update(materials)
      .set({ status: "hidden" })
      .where(and(eq(materials.id, id), ne(materials.status, "hidden")))
      .returning({ id: materials.id });
    return hidden.length > 0;
  }

  /**
   * Adds buffered view counts. Rows are locked in id order first so that two
   * flushers with overlapping batches cannot deadlock; ids that no longer
   * exist are ignored. `updated_at` is left alone: a view is not an edit.
   */
  async addViews(increments: ReadonlyMap<number, number>): Promise<void> {
    if (increments.size === 0) return;
    const ids = [...increments.keys()].sort((a, b) => a - b);
    const amounts = ids.map((id) => increments.get(id) ?? 0);
    await this.db.transaction(async (tx) => {
      await tx
        .select({ id: materials.id })
        .from(materials)
        .where(inArray(materials.id, ids))
        .orderBy(asc(materials.id))
        .for("update");
      await tx.execute(sql`
        update ${materials} set view_count = ${materials.viewCount} + batch.amount
        from unnest(${sql.param(ids)}::int[], ${sql.param(amounts)}::int[]) as batch(id, amount)
        where ${materials.id} = batch.id`);
    });
  }

  private activeFilter(type: Bound<MaterialType> | undefined, uploaderId?: Bound<number>): SQL | undefined {
    return and(
      isActive,
      type === undefined ? undefined : eq(materials.type, type),
      uploaderId === undefined ? undefined : eq(materials.uploaderId, uploaderId),
    );
  }
}
