import { type ObjectStorage, StorageError } from "@learning-hub/storage";
import { MediaError } from "../media";

/**
 * A material's whole file from storage (PDFs are at most the 50 MiB upload limit, and pdfjs wants them
 * whole). A missing file is the material's fault, like a corrupt one, and retrying cannot help: it is
 * reported as `UNREADABLE_INPUT`.
 */
export async function readMaterialFile(storage: ObjectStorage, key: string): Promise<Buffer> {
  try {
    return await storage.getBuffer(key);
  } catch (error) {
    if (error instanceof StorageError && error.isNotFound) {
      throw new MediaError("UNREADABLE_INPUT", "the material's file is missing from storage", { cause: error });
    }
    throw error;
  }
}
