import { randomBytes } from "node:crypto";
import { type Database, type MaterialRow, materials, type NewMaterialRow, users } from "@learning-hub/db";

export type MaterialSeed = Partial<Omit<NewMaterialRow, "uploaderId">> & { uploaderId: number };

const uniquePath = (uploaderId: number) => `materials/${uploaderId}/${randomBytes(8).toString("hex")}_file.mp4`;

function row(seed: MaterialSeed): NewMaterialRow {
  return {
    title: "A material",
    description: "About something",
    type: "video",
    fileFormat: seed.type === "pdf" ? "pdf" : "mp4",
    fileSize: 1024,
    status: "active",
    filePath: uniquePath(seed.uploaderId),
    ...seed,
  };
}

/**
 * Inserts materials straight into the table (the upload endpoint is tested
 * on its own); in chunks, so a thousand rows stay within the parameter limit.
 */
export async function insertMaterials(db: Database, seeds: MaterialSeed[]): Promise<MaterialRow[]> {
  const inserted: MaterialRow[] = [];
  for (let i = 0; i < seeds.length; i += 500) {
    inserted.push(
      ...(await db
        .insert(materials)
        .values(seeds.slice(i, i + 500).map(row))
        .returning()),
    );
  }
  return inserted;
}

export async function insertMaterial(db: Database, seed: MaterialSeed): Promise<MaterialRow> {
  const [material] = await insertMaterials(db, [seed]);
  if (!material) throw new Error("material not inserted");
  return material;
}

/** A user row for seeding only (it cannot log in); returns its id. */
export async function insertUploader(db: Database, name = "Seeded Uploader", avatarUrl: string | null = null) {
  const [user] = await db
    .insert(users)
    .values({ email: `seed-${randomBytes(6).toString("hex")}@example.com`, name, passwordHash: "x", avatarUrl })
    .returning({ id: users.id });
  if (!user) throw new Error("user not inserted");
  return user.id;
}
