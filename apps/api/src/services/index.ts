import type { ServiceDependencies } from "../dependencies";
import { createAdminCleanupService } from "./admin-cleanup-service";
import { createAdminJobsService } from "./admin-jobs-service";
import { createAuditService } from "./audit-service";
import { createAuthService } from "./auth-service";
import { createCaptionService } from "./caption-service";
import { createCatalogueService } from "./catalogue-service";
import { HealthService } from "./health-service";
import { createMediaViewService } from "./media-view-service";
import { createQueueControlService } from "./queue-control-service";
import { createResumableUploads } from "./resumable";
import { createRunHistoryService } from "./run-history-service";
import { createSchedulerService } from "./scheduler-service";
import { createSearchService } from "./search-service";
import type { JwtCodec } from "./token-service";
import { createUploadService } from "./upload-service";

/** Composition root of the services; routes receive what they need from here. */
export function createServices(deps: ServiceDependencies, jwt: JwtCodec) {
  const audit = createAuditService(deps);
  const runHistory = createRunHistoryService(deps);
  const upload = createUploadService(deps);
  return {
    audit,
    runHistory,
    queueControls: createQueueControlService(deps, audit),
    health: new HealthService(deps.config, deps.database, deps.redis, deps.storage),
    auth: createAuthService(deps.database.db, jwt, deps.config),
    catalogue: createCatalogueService(deps),
    adminCleanup: createAdminCleanupService(deps, audit),
    scheduler: createSchedulerService(deps, runHistory, audit),
    adminJobs: createAdminJobsService(deps, audit),
    upload,
    resumable: createResumableUploads(deps, upload),
    media: createMediaViewService(deps),
    // Search and captions (issue 13).
    search: createSearchService(deps),
    captions: createCaptionService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
