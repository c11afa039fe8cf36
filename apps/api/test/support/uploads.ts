import { materials } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import type { TestApp } from "./app";
import { bearer } from "./auth";
import type { MultipartForm } from "./multipart";

/** `POST /api/v1/upload` through `inject`, streaming the form. */
export function postUpload(t: TestApp, token: string, form: MultipartForm) {
  return t.app.inject({
    method: "POST",
    url: "/api/v1/upload",
    headers: { ...bearer(token), ...form.headers },
    payload: form.stream(),
  });
}

/** Every row a user has, whatever its status. */
export function rowsOf(t: TestApp, userId: number) {
  return t.env.database.db.select().from(materials).where(eq(materials.uploaderId, userId));
}

/** Every key stored under a user's materials prefix. */
export async function objectsOf(t: TestApp, userId: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of t.env.storage.list(`materials/${userId}/`)) keys.push(object.key);
  return keys;
}

/** Nothing of the user's left: no row, no object. */
export async function leftovers(t: TestApp, userId: number) {
  return { rows: (await rowsOf(t, userId)).length, objects: (await objectsOf(t, userId)).length };
}
