import type { TextIndexRepository } from "@learning-hub/db/repositories/text-index";
import type { Logger } from "pino";

export interface TextBackfillDependencies {
  repository: TextIndexRepository;
  /** Queues text extraction of one PDF at backfill priority unless a job for it is waiting or running. */
  enqueueExtraction(materialId: number): Promise<boolean>;
  logger: Logger;
  /** Materials taken per run; the next run goes on with the rest. */
  batchSize: number;
}

export interface TextBackfillResult {
  /** Materials whose title/description vector was computed. */
  indexed: number;
  /** PDFs queued for page text extraction. */
  enqueued: number;
}

/** Rows read per query while walking the candidates. */
const PAGE = 200;

/**
 * Indexes materials that predate search: computes the missing title/description vectors here (cheap) and
 * queues page extraction for PDFs still `pending`. Resumable by construction: done materials no longer match
 * the candidate query, so a run cut short (or capped by `batchSize`) is simply continued by the next one.
 */
export async function backfillText(deps: TextBackfillDependencies, signal?: AbortSignal): Promise<TextBackfillResult> {
  const result: TextBackfillResult = { indexed: 0, enqueued: 0 };
  let afterId = 0;
  let seen = 0;
  while (seen < deps.batchSize && !signal?.aborted) {
    const candidates = await deps.repository.findBackfillCandidates(afterId, Math.min(PAGE, deps.batchSize - seen));
    if (candidates.length === 0) break;
    for (const candidate of candidates) {
      if (candidate.needsVector) {
        await deps.repository.setMaterialVector(candidate.id, candidate.title, candidate.description);
        result.indexed++;
      }
      if (candidate.needsPages && (await deps.enqueueExtraction(candidate.id))) result.enqueued++;
    }
    seen += candidates.length;
    afterId = candidates[candidates.length - 1]?.id ?? afterId;
  }
  if (result.indexed + result.enqueued > 0) deps.logger.info({ ...result }, "search backfill ran");
  return result;
}
