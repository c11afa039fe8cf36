import type { MaterialType } from "@learning-hub/db";
import type { CaptionsRepository } from "@learning-hub/db/repositories/captions";
import type { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { captionKey, type ObjectStorage } from "@learning-hub/storage";
import type { Logger } from "pino";
import { AppError, forbidden, notFound, validationError } from "../errors/app-error";
import { type CaptionFormat, CaptionSyntaxError, parseCaptions } from "./caption-format";

export interface CaptionTrackResponse {
  lang: string;
  /** Object key; a `<track>` loads `STORAGE_PUBLIC_URL/{path}`. */
  path: string;
}

const VTT_CONTENT_TYPE = "text/vtt; charset=utf-8";
const materialNotFound = () => notFound("Material not found");

/**
 * A BCP-47 language tag in its canonical form (`zh-hans-cn` -> `zh-Hans-CN`), so one language has one track.
 * `Intl` rejects what is not well-formed.
 */
export function canonicalLanguageTag(lang: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(lang);
    if (canonical && canonical.length <= 35) return canonical;
  } catch {
    // not a well-formed tag; reported below
  }
  throw validationError([{ field: "lang", reason: "must be a BCP-47 language tag such as en, zh-Hans or pt-BR" }]);
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw validationError([{ field: "body", reason: "captions must be UTF-8 text" }], "Captions are not UTF-8 text");
  }
}

/** Caption tracks of videos: the owner uploads and deletes them, anyone who can see the video lists them. */
export class CaptionService {
  constructor(
    private readonly materials: MaterialsRepository,
    private readonly captions: CaptionsRepository,
    private readonly storage: ObjectStorage,
    private readonly logger: Logger,
  ) {}

  /** The material when `userId` owns it; 404 for what they cannot see, 403 for what they see but do not own. */
  private async owned(materialId: number, userId: number): Promise<{ uploaderId: number; type: MaterialType }> {
    const material = await this.materials.findOwnership(materialId);
    if (!material || (material.status !== "active" && material.uploaderId !== userId)) throw materialNotFound();
    if (material.uploaderId !== userId) throw forbidden("Only the uploader can change captions");
    if (material.status === "hidden") throw new AppError(400, "ALREADY_DELETED", "Material is already deleted");
    return material;
  }

  /**
   * Stores the track as WebVTT (SRT converted) and indexes its cues; replaces a track of the same language.
   * The object is written first: if indexing fails the previous cues stay, and a new key is removed again.
   */
  async put(
    materialId: number,
    rawLang: string,
    body: Buffer,
    format: CaptionFormat,
    userId: number,
  ): Promise<CaptionTrackResponse> {
    const lang = canonicalLanguageTag(rawLang);
    const material = await this.owned(materialId, userId);
    if (material.type !== "video") throw new AppError(400, "INVALID_TYPE", "Captions belong to videos, not PDFs");
    let parsed: ReturnType<typeof parseCaptions>;
    try {
      parsed = parseCaptions(decodeUtf8(body), format);
    } catch (error) {
      if (!(error instanceof CaptionSyntaxError)) throw error;
      throw new AppError(
        400,
        "VALIDATION_ERROR",
        `The ${format === "vtt" ? "WebVTT" : "SRT"} file does not parse: ${error.message}`,
        {
          fields: [{ field: "body", reason: error.message }],
          line: error.line,
        },
      );
    }
    const key = captionKey(material.uploaderId, materialId, lang);
    const existed = (await this.captions.list(materialId)).some((track) => track.lang === lang);
    await this.storage.putBuffer(key, Buffer.from(parsed.vtt, "utf8"), VTT_CONTENT_TYPE);
    try {
      await this.captions.replace(materialId, lang, key, parsed.cues);
    } catch (error) {
      if (!existed) {
        await this.storage.remove(key).catch((removal: unknown) => {
          this.logger.error({ err: removal, key }, "Could not remove the object of a caption track that was not saved");
        });
      }
      throw error;
    }
    return { lang, path: key };
  }

  async list(materialId: number, userId: number | undefined): Promise<CaptionTrackResponse[]> {
    const material = await this.materials.findOwnership(materialId);
    if (!material || (material.status !== "active" && material.uploaderId !== userId)) throw materialNotFound();
    const tracks = await this.captions.list(materialId);
    return tracks.map((track) => ({ lang: track.lang, path: track.objectPath }));
  }

  /** Removes the object first, so a storage failure leaves a track the owner can delete again. */
  async remove(materialId: number, rawLang: string, userId: number): Promise<void> {
    const lang = canonicalLanguageTag(rawLang);
    await this.owned(materialId, userId);
    const track = (await this.captions.list(materialId)).find((candidate) => candidate.lang === lang);
    if (!track) throw notFound(`No ${lang} captions for this material`);
    await this.storage.remove(track.objectPath);
    await this.captions.remove(materialId, lang);
  }
}
