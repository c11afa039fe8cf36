import { TextIndexRepository } from "@learning-hub/db/repositories/text-index";
import { Priority, textExtractionJobId } from "@learning-hub/queue";
import type { JobDependencies } from "../dependencies";
import { backfillText } from "../services/text-backfill";
import { TextExtractionService } from "../services/text-extraction-service";
import type { JobHandlers } from "./types";

/** Job states after which a job id no longer stands for a job that will run. */
const FINISHED_STATES = new Set(["completed", "failed"]);

/** The search jobs of the job table: page text extraction and the backfill. */
export function createTextHandlers(deps: JobDependencies): Pick<JobHandlers, "extract_text" | "backfill_text_index"> {
  const repository = new TextIndexRepository(deps.database.db);
  const service = new TextExtractionService({
    repository,
    storage: deps.storage,
    limits: { maxPages: deps.config.search.maxPages, maxCharacters: deps.config.search.maxCharacters },
    jobTimeoutMs: deps.settings.extract_text.timeoutMs,
  });

  /** Queues one PDF at backfill priority unless a job for it is waiting or running already. */
  async function enqueueExtraction(materialId: number): Promise<boolean> {
    const existing = await deps.queues.thumbnails.getJob(textExtractionJobId(materialId));
    if (existing) {
      // A kept finished job would make `add` with the same id a no-op, so it goes first.
      if (!FINISHED_STATES.has(await existing.getState())) return false;
      await existing.remove();
    }
    await deps.queues.enqueueTextExtraction(materialId, Priority.backfill);
    return true;
  }

  return {
    async extract_text({ materialId }, context) {
      return { outcome: await service.extract(materialId, context) };
    },
    async backfill_text_index(_data, context) {
      return backfillText(
        { repository, enqueueExtraction, logger: context.logger, batchSize: deps.config.search.backfillBatch },
        context.signal,
      );
    },
  };
}
