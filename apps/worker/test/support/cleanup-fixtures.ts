import { randomBytes } from "node:crypto";
import { type Database, type MaterialRow, type MaterialStatus, materials, users } from "@learning-hub/db";
import type { ObjectStorage } from "@learning-hub/storage";
import { eq, sql } from "drizzle-orm";

/** A user row to own seeded materials (it cannot log in). */
export async function seedUploader(db: Database): Promise<number> {
  const [user] = await db
    .insert(users)
    .values({ email: `cleanup-${randomBytes(6).toString("hex")}@example.com`, name: "Uploader", passwordHash: "x" })
    .returning({ id: users.id });
  if (!user) throw new Error("uploader not inserted");
  return user.id;
}

export interface MaterialSeed {
  uploaderId: number;
  status: MaterialStatus;
  /** How long ago the row was created. */
  ageMinutes: number;
  /** Store the file object too (an upload cut off mid-stream has none). */
  withFile?: boolean;
  /** Store a thumbnail object at `thumbnails/{uploader}/{id}.jpg` and reference it. */
  withThumbnail?: boolean;
  /** Reference this thumbnail key (e.g. a placeholder) without storing anything. */
  thumbnailPath?: string;
}

export async function putObject(storage: ObjectStorage, key: string, body = `bytes of ${key}`): Promise<void> {
  await storage.putBuffer(key, Buffer.from(body), "application/octet-stream");
}

/** A material row as the upload endpoint and the thumbnail worker leave it, with its objects. */
export async function seedMaterial(db: Database, storage: ObjectStorage, seed: MaterialSeed): Promise<MaterialRow> {
  const filePath = `materials/${seed.uploaderId}/20250101_000000_${randomBytes(4).toString("hex")}.mp4`;
  const createdAt = sql`now() - make_interval(mins => ${seed.ageMinutes})`;
  const [row] = await db
    .insert(materials)
    .values({
      title: "Seeded",
      type: "video",
      filePath,
      fileFormat: "mp4",
      uploaderId: seed.uploaderId,
      status: seed.status,
      thumbnailPath: seed.thumbnailPath ?? null,
      createdAt,
      updatedAt: createdAt,
    })
    .returning();
  if (!row) throw new Error("material not inserted");
  if (seed.withFile) await putObject(storage, filePath);
  if (!seed.withThumbnail) return row;
  const thumbnailPath = `thumbnails/${seed.uploaderId}/${row.id}.jpg`;
  await putObject(storage, thumbnailPath);
  const [updated] = await db.update(materials).set({ thumbnailPath }).where(eq(materials.id, row.id)).returning();
  if (!updated) throw new Error("material vanished");
  return updated;
}

export async function materialExists(db: Database, id: number): Promise<boolean> {
  const rows = await db.select({ id: materials.id }).from(materials).where(eq(materials.id, id));
  return rows.length > 0;
}

/** Every key in the bucket, sorted. */
export async function listKeys(storage: ObjectStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list("")) keys.push(object.key);
  return keys.sort();
}
