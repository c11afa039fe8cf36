import type { MaterialType } from "@learning-hub/db";
import { CaptionsRepository } from "@learning-hub/db/repositories/captions";
import { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { captionKey, type ObjectStorage } from "@learning-hub/storage";
import type { FastifyBaseLogger } from "fastify";
import type { ServiceDependencies } from "../dependencies";
import {
  alreadyDeleted,
  captionsForVideosOnly,
  captionsNotUtf8,
  captionsOwnerOnly,
  captionTrackNotFound,
  invalidLanguageTag,
  materialNotFound,
  unparsableCaptions,
} from "../errors/app-error";
import { type CaptionFormat, CaptionSyntaxError, parseCaptions } from "./caption-format";

export interface CaptionTrackResponse {
  lang: string;
  /** Object key; a `<track>` loads `STORAGE_PUBLIC_URL/{path}`. */
  path: string;
}

const VTT_CONTENT_TYPE = "text/vtt; charset=utf-8";

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
  throw invalidLanguageTag();
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw captionsNotUtf8();
  }
}

/** Caption tracks of videos: the owner uploads and deletes them, anyone who can see the video lists them. */
export class CaptionService {
  constructor(
    private readonly materials: MaterialsRepository,
    private readonly captions: CaptionsRepository,
    private readonly storage: ObjectStorage,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** The material when `userId` owns it; 404 for what they cannot see, 403 for what they see but do not own. */
  private async owned(materialId: number, userId: number): Promise<{ uploaderId: number; type: MaterialType }> {
    const material = await this.materials.findOwnership(materialId);
    if (!material || (material.status !== "active" && material.uploaderId !== userId)) throw materialNotFound();
    if (material.uploaderId !== userId) throw captionsOwnerOnly();
    if (material.status === "hidden") throw alreadyDeleted();
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
    if (material.type !== "video") throw captionsForVideosOnly();
    let parsed: ReturnType<typeof parseCaptions>;
    try {
      parsed = parseCaptions(decodeUtf8(body), format);
    } catch (error) {
      if (!(error instanceof CaptionSyntaxError)) throw error;
      throw unparsableCaptions(format === "vtt" ? "WebVTT" : "SRT", error.line, error.reason);
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
    if (!track) throw captionTrackNotFound(lang);
    await this.storage.remove(track.objectPath);
    await this.captions.remove(materialId, lang);
  }
}

export function createCaptionService(deps: ServiceDependencies): CaptionService {
  const { db } = deps.database;
  return new CaptionService(new MaterialsRepository(db), new CaptionsRepository(db), deps.storage, deps.logger);
}
