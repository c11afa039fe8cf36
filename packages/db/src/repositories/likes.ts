import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { likes, type MaterialStatus, materials } from "../schema";
import { keepUpdatedAt } from "./material-filters";

export type LikeToggleResult =
  | { outcome: "not_found" }
  | { outcome: "not_active"; status: MaterialStatus }
  | { outcome: "toggled"; isLiked: boolean; likeCount: number };

export class LikesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Likes the material, or unlikes it when the user already did, in one
   * transaction. The material row is locked first, so toggles on one material
   * run one after another and `like_count` moves in step with the like rows:
   * it equals their number after every commit, and each caller gets the count
   * its own toggle produced.
   */
  toggle(userId: number, materialId: number): Promise<LikeToggleResult> {
    return this.db.transaction(async (tx) => {
      const [material] = await tx
        .select({ status: materials.status })
        .from(materials)
        .where(eq(materials.id, materialId))
        .for("update");
      if (!material) return { outcome: "not_found" };
      if (material.status !== "active") return { outcome: "not_active", status: material.status };

      const removed = await tx
        .delete(likes)
        .where(and(eq(likes.userId, userId), eq(likes.materialId, materialId)))
        .returning({ userId: likes.userId });
      const isLiked = removed.length === 0;
      if (isLiked) await tx.insert(likes).values({ userId, materialId });

      const [updated] = await tx
        .update(materials)
        .set({ likeCount: sql`${materials.likeCount} + ${isLiked ? 1 : -1}`, ...keepUpdatedAt(materials) })
        .where(eq(materials.id, materialId))
        .returning({ likeCount: materials.likeCount });
      return { outcome: "toggled", isLiked, likeCount: updated?.likeCount ?? 0 };
    });
  }
}
