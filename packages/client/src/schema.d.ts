// Generated from the API's OpenAPI document by `pnpm --filter @learning-hub/client generate`; do not edit.
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health/db": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Database connectivity */
        get: operations["getDatabaseHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Readiness for load balancers and orchestrators (`/health` is liveness): checks PostgreSQL (`select 1`), Redis (`PING`) and object storage at once, each within 1-2 s. 503 when any fails, with `details.checks` giving each one's result (`ok`, `error` or `timeout`): code `DATABASE_ERROR` when the database is among the failures, `INTERNAL_ERROR` otherwise.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List active materials, one page at a time */
        get: operations["listMaterials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A material with related materials; counts a view
         * @description Counts at most one view per viewer (user, else client address) per 10 minutes. `view_count` is written in batches and may lag by a few seconds.
         */
        get: operations["getMaterial"];
        put?: never;
        post?: never;
        /** Withdraw (soft-delete) your own material */
        delete: operations["deleteMaterial"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}/like": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Like the material, or unlike it if you already do */
        post: operations["toggleMaterialLike"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}/pages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Small previews of every page of a PDF material (converted documents included)
         * @description Visible like the material's detail: others see active materials only. Pages up to the configured cap (default 300) get a 320 px wide JPEG; an empty list until the worker made them.
         */
        get: operations["listMaterialPagePreviews"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}/storyboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sprite sheets and a WebVTT thumbnails track of a video, for scrubbing previews
         * @description Visible like the material's detail; 404 until the worker made it (or for a PDF).
         */
        get: operations["getMaterialStoryboard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a video or PDF as a new material
         * @description `multipart/form-data` with `file` (mp4 or webm up to 524288000 bytes, pdf up to 52428800 bytes), `title` (1-255 characters) and optional `description`, in any order. The type is read from the file's leading bytes and must match its extension (415 otherwise); the size limit applies while the file streams (413). 400 `VALIDATION_ERROR` for missing or invalid fields, 422 for a body that is not well-formed multipart.
         */
        post: operations["uploadMaterial"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload/status/{material_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where an upload stands (uploader or admin) */
        get: operations["getUploadStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload/thumbnail-status/{material_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where a material's thumbnail stands (uploader or admin) */
        get: operations["getThumbnailStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload/{material_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete your material's file and thumbnail for good and hide the material */
        delete: operations["deleteUpload"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search active materials: titles, descriptions, PDF pages and captions, in Chinese and English
         * @description Every word of `q` must match (English across inflections, the last word also as a prefix; Chinese of two or more characters as any substring); a misspelt English title word still finds the title. Ranked title, then description, then page and caption text; then like count, then id. `total` is exact up to 500 matches; past that it is 500 and `total_capped` is true (pages past `total_pages` still hold the further results).
         */
        get: operations["searchMaterials"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}/captions/{lang}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upload the captions of your video in one language (WebVTT, or SRT converted to WebVTT)
         * @description Body: the caption file, `text/vtt` or `application/x-subrip`, UTF-8, at most 2 MiB. Replaces the track of the same language. Its cues are indexed for search with their start times.
         */
        put: operations["putCaptions"];
        post?: never;
        /** Delete the captions of your video in one language */
        delete: operations["deleteCaptions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/materials/{material_id}/captions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caption tracks of a material: `STORAGE_PUBLIC_URL/{path}` for a `<track>` */
        get: operations["listCaptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload/resumable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a resumable (tus) upload
         * @description tus 1.0 resumable upload (core, creation, creation-with-upload, termination, expiration) of one mp4, webm or pdf as a new material; use a tus client such as tus-js-client. Every request carries the Bearer token and `Tus-Resumable: 1.0.0`. `POST` creates it: `Upload-Length` (the file's size; `Upload-Defer-Length` is refused) and `Upload-Metadata` with base64 `filename` (its extension declares the type), `title` (1-255 characters) and optional `description`. 400 `VALIDATION_ERROR` for bad metadata, 413 `FILE_TOO_LARGE` over the type's limit, 415 for another extension, 429 `TOO_MANY_UPLOADS` past the per-user number of unfinished uploads. The material row is `processing` from then on and `GET /upload/status/{id}` reports the share of bytes received. `HEAD {Location}` gives `Upload-Offset`; `PATCH {Location}` (`Content-Type: application/offset+octet-stream`) appends bytes at `Upload-Offset` (409 `UPLOAD_OFFSET_CONFLICT` when it is not the stored offset). The first bytes must be of the declared type: otherwise 415 and the upload is terminated. The PATCH that completes the file makes the material `active` and answers with `X-Material-Id`. `DELETE {Location}` terminates the upload. Unfinished uploads expire (`Upload-Expires`, 410 `UPLOAD_EXPIRED`) and are removed by the cleanup job. Another user's upload answers 404.
         */
        post: operations["createResumableUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/upload/resumable/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Terminate a resumable upload: its parts and its material row go */
        delete: operations["terminateResumableUpload"];
        options?: never;
        /** Offset of a resumable upload (`Upload-Offset`, `Upload-Length`) */
        head: operations["getResumableUploadOffset"];
        /** Append bytes to a resumable upload at `Upload-Offset` */
        patch: operations["appendResumableUpload"];
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange email and password for an access and a refresh token */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's profile */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the token pair; reusing a rotated refresh token revokes the session */
        post: operations["refreshTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke the caller's session (its access and refresh tokens) */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/cleanup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a cleanup now and wait for its result
         * @description Removes uploads stuck in `processing` for longer than `max_age_minutes` (with their objects) and objects no material references that are older than the grace period; placeholders are never removed. With `dry_run: true` it removes nothing and lists what it would remove in `would_clean`.
         */
        post: operations["runCleanup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/scheduler/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether workers run scheduled jobs; each job's cron, paused flag, next and last run */
        get: operations["getSchedulerStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/scheduler/jobs/{job_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a scheduled job (stays paused across restarts); pausing a paused job is fine */
        post: operations["pauseScheduledJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/scheduler/jobs/{job_id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a scheduled job; resuming a running job is fine */
        post: operations["resumeScheduledJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/jobs/failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Failed jobs of a queue, newest first */
        get: operations["listFailedJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/jobs/{queue}/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a failed job back to its queue for another try
         * @description 404 `NOT_FOUND` for an unknown job, 400 `INVALID_STATUS` for a job that has not failed.
         */
        post: operations["retryFailedJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/scheduler/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a scheduled job's cron (UTC); every worker applies it within seconds
         * @description Stored in PostgreSQL, so restarts and a Redis flush keep it. 400 `VALIDATION_ERROR` with the cron parser's reason, or for a schedule running more often than once a minute.
         */
        patch: operations["editScheduledJob"];
        trace?: never;
    };
    "/api/v1/admin/scheduler/jobs/{job_id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a scheduled job now
         * @description At most one run of a job at a time: 409 `JOB_ALREADY_RUNNING` while one waits or runs.
         */
        post: operations["runScheduledJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/scheduler/jobs/{job_id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run history of a scheduled job, newest first */
        get: operations["listScheduledJobRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Run history of every job of every queue, newest first
         * @description One row per attempt, recorded by the worker; kept `JOB_RUN_RETENTION_DAYS` days.
         */
        get: operations["listJobRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit trail of admin actions, newest first */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each queue: jobs by state, paused, global concurrency limit, workers connected */
        get: operations["listQueues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/queues/{queue}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Pause or resume a queue and set its global concurrency (null: no limit)
         * @description Stored in PostgreSQL and applied to BullMQ by the API and every worker within seconds.
         */
        patch: operations["updateQueue"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        UserProfile: {
            /** @example 1 */
            id: number;
            /**
             * Format: email
             * @example ada@example.com
             */
            email: string;
            /** @example Ada Lovelace */
            name: string;
            avatar_url: string | null;
            /** @example true */
            is_active: boolean;
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            created_at: string;
        };
        LoginResult: {
            /**
             * @description Bearer token for `Authorization`
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoiYWNjZXNzIn0.3q2GnJ2QpOQ7uWcS0u3iXcLd9jVn0w3n1bXz4sYf0aI
             */
            access_token: string;
            /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.Qm9vT3Vq4R2VtJ3bHc9pXyq7n0bXz4sYf0aI3q2GnJ2 */
            refresh_token: string;
            /** @enum {string} */
            token_type: "bearer";
            /**
             * @description Seconds until the access token expires
             * @example 1800
             */
            expires_in: number;
            user: components["schemas"]["UserProfile"];
        };
        RefreshResult: {
            /**
             * @description Bearer token for `Authorization`
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoiYWNjZXNzIn0.3q2GnJ2QpOQ7uWcS0u3iXcLd9jVn0w3n1bXz4sYf0aI
             */
            access_token: string;
            /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.Qm9vT3Vq4R2VtJ3bHc9pXyq7n0bXz4sYf0aI3q2GnJ2 */
            refresh_token: string;
            /** @enum {string} */
            token_type: "bearer";
        };
        LogoutResult: {
            /** @example Successfully logged out */
            message: string;
            /** @example Please discard your tokens on the client side */
            detail: string;
        };
        Liveness: {
            /** @enum {string} */
            status: "healthy";
            /** @example 1.0.0 */
            version: string;
            /** @example production */
            environment: string;
        };
        DatabaseHealth: {
            /** @enum {string} */
            status: "healthy";
            /** @enum {string} */
            database: "connected";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready";
            checks: {
                /** @enum {string} */
                database: "ok";
                /** @enum {string} */
                redis: "ok";
                /** @enum {string} */
                storage: "ok";
            };
        };
        JobActionResult: {
            /** @enum {boolean} */
            success: true;
            /** @example Job cleanup_job paused successfully */
            message: string;
            /** @example cleanup_job */
            job_id: string;
        };
        CleanupResult: {
            /** @enum {boolean} */
            success: true;
            /** @example 3 */
            cleaned_records: number;
            /** @example 5 */
            cleaned_files: number;
            /** @example 2.5 */
            duration_seconds: number;
            /** @description Objects that could not be removed, one message each */
            errors: string[];
            /** @description Dry runs only: the first 1,000 record ids and file keys a run would remove, and the counts */
            would_clean?: {
                records: {
                    ids: number[];
                    total: number;
                };
                files: {
                    keys: string[];
                    total: number;
                };
            };
        };
        ScheduledJobStatus: {
            /** @example cleanup_job */
            id: string;
            /** @example cleanup_stale_records */
            name: string;
            /**
             * Format: date-time
             * @description `null` while paused
             * @example 2024-01-15T08:30:00Z
             */
            next_run_time: string | null;
            /**
             * @description Cron in force, read in UTC
             * @example 0 * * * *
             */
            cron: string;
            paused: boolean;
            last_run: {
                /** Format: uuid */
                id: string;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                started_at: string;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                finished_at: string | null;
                /** @enum {string} */
                outcome: "running" | "completed" | "failed" | "retrying" | "interrupted";
                summary: {
                    [key: string]: unknown;
                } | null;
                error: string | null;
            } | null;
        };
        SchedulerStatus: {
            /** @description Whether at least one worker consumes the queue the scheduled jobs run on */
            running: boolean;
            jobs: components["schemas"]["ScheduledJobStatus"][];
        };
        FailedJob: {
            /** @example thumbnail-42 */
            id: string;
            /** @enum {string} */
            queue: "thumbnails" | "maintenance" | "media";
            /** @example generate_thumbnail */
            name: string;
            /**
             * @example {
             *       "materialId": 42
             *     }
             */
            data: {
                [key: string]: unknown;
            };
            /** @example ffmpeg wrote no frame */
            failed_reason: string;
            /** @example 3 */
            attempts_made: number;
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            failed_at: string | null;
        };
        FailedJobPage: {
            items: components["schemas"]["FailedJob"][];
            /** @example 1 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            page_size: number;
        };
        ScheduledJob: {
            /** @example cleanup_job */
            id: string;
            /** @example cleanup_stale_records */
            name: string;
            /** @example *\/15 * * * * */
            cron: string;
            paused: boolean;
            /** @description The next five run times of `cron` (UTC), whether paused or not */
            next_runs: string[];
            last_run: {
                /** Format: uuid */
                id: string;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                started_at: string;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                finished_at: string | null;
                /** @enum {string} */
                outcome: "running" | "completed" | "failed" | "retrying" | "interrupted";
                summary: {
                    [key: string]: unknown;
                } | null;
                error: string | null;
            } | null;
        };
        RunAccepted: {
            /** @description The job id of the run; its history rows carry it as `job_id` */
            run_id: string;
        };
        JobRunPage: {
            items: {
                /** Format: uuid */
                id: string;
                /** @example thumbnails */
                queue: string;
                /** @example generate_thumbnail */
                name: string;
                /** @description BullMQ's job id; a run started by `POST .../run` has its `run_id` */
                job_id: string;
                /** @description The scheduled job it belongs to */
                scheduler_id: string | null;
                material_id: number | null;
                attempt: number;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                started_at: string;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                finished_at: string | null;
                duration_ms: number | null;
                /** @enum {string} */
                outcome: "running" | "completed" | "failed" | "retrying" | "interrupted";
                error: string | null;
                /** @description What the job did: cleanup counts, thumbnail kind and output size… */
                summary: {
                    [key: string]: unknown;
                } | null;
            }[];
            total: number;
            page: number;
            page_size: number;
            total_pages: number;
        };
        AuditPage: {
            items: {
                id: number;
                /** @description The admin's user id; null from the CLI */
                actor_id: number | null;
                /** @enum {string} */
                actor_source: "api" | "cli";
                /** @example scheduler.edit */
                action: string;
                /** @example scheduled_job */
                target_type: string;
                /** @example cleanup_job */
                target_id: string;
                before: {
                    [key: string]: unknown;
                } | null;
                after: {
                    [key: string]: unknown;
                } | null;
                request_id: string | null;
                /**
                 * Format: date-time
                 * @example 2024-01-15T08:30:00Z
                 */
                created_at: string;
            }[];
            total: number;
            page: number;
            page_size: number;
            total_pages: number;
        };
        QueueStatus: {
            /** @enum {string} */
            name: "thumbnails" | "maintenance" | "media";
            counts: {
                waiting: number;
                active: number;
                delayed: number;
                prioritized: number;
                paused: number;
                failed: number;
                completed: number;
            };
            /** @description As admins set it (PostgreSQL); workers apply it within seconds */
            paused: boolean;
            /** @description Jobs of the queue running at once across all workers (BullMQ global concurrency); null: no limit */
            concurrency: number | null;
            /** @description Worker connections consuming the queue */
            workers: number;
        };
        QueueList: {
            queues: components["schemas"]["QueueStatus"][];
        };
        Material: {
            /** @example 42 */
            id: number;
            /** @example Linear algebra, lecture 3 */
            title: string;
            /** @example Eigenvalues and eigenvectors, with worked examples */
            description: string | null;
            /** @enum {string} */
            type: "video" | "pdf";
            /** @example materials/1/20240115_083000_video.mp4 */
            file_path: string;
            /**
             * @description Bytes
             * @example 10485760
             */
            file_size: number;
            /** @example mp4 */
            file_format: string;
            /** @example thumbnails/1/1.jpg */
            thumbnail_path: string | null;
            /** @example 1 */
            uploader_id: number;
            /**
             * @description Views are buffered and written in batches, so this may lag by a few seconds
             * @example 128
             */
            view_count: number;
            /** @example 7 */
            like_count: number;
            /** @enum {string} */
            status: "processing" | "active" | "hidden";
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            updated_at: string;
            /** @enum {string} */
            thumbnail_status: "pending" | "completed" | "failed";
            /** @example 312.5 */
            duration_seconds: number | null;
            /** @example 1280 */
            width: number | null;
            /** @example 720 */
            height: number | null;
            /** @example 12 */
            page_count: number | null;
            /** @description The uploaded original (downloadable) when converted */
            source_path: string | null;
        };
        MaterialListItem: {
            /** @example 42 */
            id: number;
            /** @example Linear algebra, lecture 3 */
            title: string;
            /** @example Eigenvalues and eigenvectors, with worked examples */
            description: string | null;
            /** @enum {string} */
            type: "video" | "pdf";
            /** @example materials/1/20240115_083000_video.mp4 */
            file_path: string;
            /**
             * @description Bytes
             * @example 10485760
             */
            file_size: number;
            /** @example mp4 */
            file_format: string;
            /** @example thumbnails/1/1.jpg */
            thumbnail_path: string | null;
            /** @example 1 */
            uploader_id: number;
            /**
             * @description Views are buffered and written in batches, so this may lag by a few seconds
             * @example 128
             */
            view_count: number;
            /** @example 7 */
            like_count: number;
            /** @enum {string} */
            status: "processing" | "active" | "hidden";
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            updated_at: string;
            /** @enum {string} */
            thumbnail_status: "pending" | "completed" | "failed";
            /** @example 312.5 */
            duration_seconds: number | null;
            /** @example 1280 */
            width: number | null;
            /** @example 720 */
            height: number | null;
            /** @example 12 */
            page_count: number | null;
            /** @description The uploaded original (downloadable) when converted */
            source_path: string | null;
            /** @example Ada Lovelace */
            uploader_name: string;
            /** @example https://cdn.example.com/avatars/1.png */
            uploader_avatar: string | null;
            /** @description Whether the caller liked it; false for anonymous callers */
            is_liked: boolean;
        };
        RelatedMaterial: {
            id: number;
            title: string;
            /** @enum {string} */
            type: "video" | "pdf";
            thumbnail_path: string | null;
            view_count: number;
            like_count: number;
        };
        MaterialDetail: {
            /** @example 42 */
            id: number;
            /** @example Linear algebra, lecture 3 */
            title: string;
            /** @example Eigenvalues and eigenvectors, with worked examples */
            description: string | null;
            /** @enum {string} */
            type: "video" | "pdf";
            /** @example materials/1/20240115_083000_video.mp4 */
            file_path: string;
            /**
             * @description Bytes
             * @example 10485760
             */
            file_size: number;
            /** @example mp4 */
            file_format: string;
            /** @example thumbnails/1/1.jpg */
            thumbnail_path: string | null;
            /** @example 1 */
            uploader_id: number;
            /**
             * @description Views are buffered and written in batches, so this may lag by a few seconds
             * @example 128
             */
            view_count: number;
            /** @example 7 */
            like_count: number;
            /** @enum {string} */
            status: "processing" | "active" | "hidden";
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2024-01-15T08:30:00Z
             */
            updated_at: string;
            /** @enum {string} */
            thumbnail_status: "pending" | "completed" | "failed";
            /** @example 312.5 */
            duration_seconds: number | null;
            /** @example 1280 */
            width: number | null;
            /** @example 720 */
            height: number | null;
            /** @example 12 */
            page_count: number | null;
            /** @description The uploaded original (downloadable) when converted */
            source_path: string | null;
            /** @example Ada Lovelace */
            uploader_name: string;
            /** @example https://cdn.example.com/avatars/1.png */
            uploader_avatar: string | null;
            /** @description Whether the caller liked it; false for anonymous callers */
            is_liked: boolean;
            related_materials: components["schemas"]["RelatedMaterial"][];
        };
        MaterialPage: {
            items: components["schemas"]["MaterialListItem"][];
            /** @example 57 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            page_size: number;
            /** @example 3 */
            total_pages: number;
        };
        LikeToggle: {
            /** @example true */
            is_liked: boolean;
            /** @example 8 */
            like_count: number;
        };
        UploadStatus: {
            /** @example 42 */
            material_id: number;
            /** @enum {string} */
            status: "processing" | "active" | "hidden";
            /**
             * @description Resumable uploads in progress: the share of bytes received (0-99); while converting or transcoding, the share done (0-100, from ffmpeg for transcodes); other uploads: 50 while processing; 100 once active or hidden
             * @example 100
             */
            progress: number;
            /** @example Upload complete and ready */
            message: string;
            /**
             * @description The generated thumbnail, or the type's placeholder image once generation failed
             * @example thumbnails/1/1.jpg
             */
            thumbnail_path: string | null;
            /** @description Whether a thumbnail of this material was generated */
            has_thumbnail: boolean;
            /**
             * @description Where the displayable file is: office documents are converted to PDF and other videos transcoded before the material is listed; `failed` keeps the original with `failure_reason`
             * @enum {string}
             */
            stage: "uploading" | "converting" | "transcoding" | "ready" | "failed";
            /** @description Why the conversion failed (stage `failed`), else null */
            failure_reason: string | null;
        };
        ThumbnailStatus: {
            /** @example 42 */
            material_id: number;
            /** @enum {string} */
            thumbnail_status: "pending" | "completed" | "failed";
            /**
             * @description The generated thumbnail, or the type's placeholder image once generation failed
             * @example thumbnails/1/1.jpg
             */
            thumbnail_path: string | null;
            /** @description Whether a thumbnail of this material was generated */
            has_thumbnail: boolean;
        };
        PagePreviewList: {
            /** @description Pages with a preview (all pages up to the configured cap) */
            page_count: number;
            pages: {
                page: number;
                /** @example previews/1/42/page-1.jpg */
                preview_path: string;
                /** @example 320 */
                width: number;
                /** @example 180 */
                height: number;
            }[];
        };
        Storyboard: {
            /**
             * @description WebVTT thumbnails track (`#xywh=` cues, sprite URLs relative to the track)
             * @example storyboards/1/42/storyboard.vtt
             */
            vtt_path: string;
            /**
             * @example [
             *       "storyboards/1/42/sprite-1.jpg"
             *     ]
             */
            sprite_paths: string[];
            /** @example 10 */
            interval_seconds: number;
            /** @example 160 */
            tile_width: number;
            /** @example 90 */
            tile_height: number;
        };
        SearchMatch: {
            /** @enum {string} */
            field: "title" | "description" | "page" | "caption";
            /** @description The PDF page (1-based) of a `page` match */
            page: number | null;
            /** @description Where a `caption` match starts in the video */
            start_seconds: number | null;
            /**
             * @description About 160 characters around the match, HTML-escaped, matched words in `<mark>` (the only markup)
             * @example …stochastic <mark>gradient</mark> descent converges when…
             */
            snippet: string;
        };
        SearchResult: {
            material: components["schemas"]["MaterialListItem"];
            /** @description 1 title, 0.8 misspelt title, 0.6 description, 0.4 page or caption text; ties by like count, then id */
            score: number;
            /** @description Best first */
            matches: components["schemas"]["SearchMatch"][];
        };
        SearchPage: {
            items: components["schemas"]["SearchResult"][];
            /** @description How many materials match, counted up to 500; see `total_capped` */
            total: number;
            page: number;
            page_size: number;
            /** @description Pages of `total` results */
            total_pages: number;
            /** @description True when more than 500 materials match: `total` is then 500 and counting stopped there. Pages past `total_pages` still hold the further results, in rank order. */
            total_capped: boolean;
        };
        CaptionTrack: {
            /** @example zh-Hans */
            lang: string;
            /**
             * @description WebVTT object key
             * @example captions/1/42/zh-Hans.vtt
             */
            path: string;
        };
        CaptionTrackList: components["schemas"]["CaptionTrack"][];
        /** @description An error answer with code RATE_LIMIT_EXCEEDED */
        RateLimitExceededError: {
            error: {
                /** @enum {string} */
                code: "RATE_LIMIT_EXCEEDED";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INTERNAL_ERROR */
        InternalError: {
            error: {
                /** @enum {string} */
                code: "INTERNAL_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code DATABASE_ERROR or SERVICE_UNAVAILABLE */
        DatabaseErrorOrServiceUnavailableError: {
            error: {
                /** @enum {string} */
                code: "DATABASE_ERROR" | "SERVICE_UNAVAILABLE";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code DATABASE_ERROR or INTERNAL_ERROR or SERVICE_UNAVAILABLE */
        DatabaseErrorOrInternalErrorOrServiceUnavailableError: {
            error: {
                /** @enum {string} */
                code: "DATABASE_ERROR" | "INTERNAL_ERROR" | "SERVICE_UNAVAILABLE";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INVALID_TYPE or VALIDATION_ERROR */
        InvalidTypeOrValidationError: {
            error: {
                /** @enum {string} */
                code: "INVALID_TYPE" | "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code VALIDATION_ERROR */
        ValidationError: {
            error: {
                /** @enum {string} */
                code: "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code NOT_FOUND */
        NotFoundError: {
            error: {
                /** @enum {string} */
                code: "NOT_FOUND";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code ALREADY_DELETED or VALIDATION_ERROR */
        AlreadyDeletedOrValidationError: {
            error: {
                /** @enum {string} */
                code: "ALREADY_DELETED" | "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INVALID_TOKEN or UNAUTHORIZED or USER_NOT_FOUND */
        InvalidTokenOrUnauthorizedOrUserNotFoundError: {
            error: {
                /** @enum {string} */
                code: "INVALID_TOKEN" | "UNAUTHORIZED" | "USER_NOT_FOUND";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code FORBIDDEN or INACTIVE_USER */
        ForbiddenOrInactiveUserError: {
            error: {
                /** @enum {string} */
                code: "FORBIDDEN" | "INACTIVE_USER";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code FILE_TOO_LARGE */
        FileTooLargeError: {
            error: {
                /** @enum {string} */
                code: "FILE_TOO_LARGE";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INVALID_STATUS or VALIDATION_ERROR */
        InvalidStatusOrValidationError: {
            error: {
                /** @enum {string} */
                code: "INVALID_STATUS" | "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INACTIVE_USER */
        InactiveUserError: {
            error: {
                /** @enum {string} */
                code: "INACTIVE_USER";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code UNSUPPORTED_FILE_TYPE */
        UnsupportedFileTypeError: {
            error: {
                /** @enum {string} */
                code: "UNSUPPORTED_FILE_TYPE";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INTERNAL_ERROR or UPLOAD_FAILED */
        InternalErrorOrUploadFailedError: {
            error: {
                /** @enum {string} */
                code: "INTERNAL_ERROR" | "UPLOAD_FAILED";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code ALREADY_DELETED or INVALID_STATUS or VALIDATION_ERROR */
        AlreadyDeletedOrInvalidStatusOrValidationError: {
            error: {
                /** @enum {string} */
                code: "ALREADY_DELETED" | "INVALID_STATUS" | "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code RATE_LIMIT_EXCEEDED or TOO_MANY_UPLOADS */
        RateLimitExceededOrTooManyUploadsError: {
            error: {
                /** @enum {string} */
                code: "RATE_LIMIT_EXCEEDED" | "TOO_MANY_UPLOADS";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code UPLOAD_EXPIRED */
        UploadExpiredError: {
            error: {
                /** @enum {string} */
                code: "UPLOAD_EXPIRED";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code UPLOAD_OFFSET_CONFLICT */
        UploadOffsetConflictError: {
            error: {
                /** @enum {string} */
                code: "UPLOAD_OFFSET_CONFLICT";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code EMAIL_ALREADY_EXISTS or VALIDATION_ERROR */
        EmailAlreadyExistsOrValidationError: {
            error: {
                /** @enum {string} */
                code: "EMAIL_ALREADY_EXISTS" | "VALIDATION_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code UNAUTHORIZED */
        UnauthorizedError: {
            error: {
                /** @enum {string} */
                code: "UNAUTHORIZED";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code INVALID_TOKEN or USER_NOT_FOUND */
        InvalidTokenOrUserNotFoundError: {
            error: {
                /** @enum {string} */
                code: "INVALID_TOKEN" | "USER_NOT_FOUND";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code CLEANUP_FAILED or INTERNAL_ERROR */
        CleanupFailedOrInternalError: {
            error: {
                /** @enum {string} */
                code: "CLEANUP_FAILED" | "INTERNAL_ERROR";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code JOB_NOT_FOUND */
        JobNotFoundError: {
            error: {
                /** @enum {string} */
                code: "JOB_NOT_FOUND";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
        /** @description An error answer with code JOB_ALREADY_RUNNING */
        JobAlreadyRunningError: {
            error: {
                /** @enum {string} */
                code: "JOB_ALREADY_RUNNING";
                /** @example Material not found */
                message: string;
                /** @example {} */
                details: {
                    [key: string]: unknown;
                };
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request's id (the client's `x-request-id` when it sent a sane one); logs carry it */
        RequestId: string;
        /** @description Seconds until the client may try again */
        RetryAfter: number;
        /** @description Requests allowed per window */
        RateLimitLimit: number;
        /** @description Requests left in this window */
        RateLimitRemaining: number;
        /** @description Seconds until the window resets */
        RateLimitReset: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getDatabaseHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description PostgreSQL answers */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatabaseHealth"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every dependency answers */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR` when the database is among the failed checks, `INTERNAL_ERROR` otherwise; `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrInternalErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listMaterials: {
        parameters: {
            query?: {
                page?: number;
                page_size?: number;
                sort_by?: "created_at" | "view_count" | "like_count";
                sort_order?: "asc" | "desc";
                material_type?: "video" | "pdf";
                /** @description Only this uploader's materials */
                uploader_id?: number;
                /** @description Only materials matching this search (as `GET /search`, 1-200 characters after trimming), in the list's order */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of materials */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaterialPage"];
                };
            };
            /** @description `INVALID_TYPE` when `material_type` is not video or pdf; `VALIDATION_ERROR` otherwise; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INVALID_TYPE",
                     *         "message": "material_type must be video or pdf",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "material_type",
                     *               "reason": "must be one of: video, pdf"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTypeOrValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getMaterial: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The material */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MaterialDetail"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    deleteMaterial: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Withdrawn */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `ALREADY_DELETED`: the material is already withdrawn; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "ALREADY_DELETED",
                     *         "message": "Material is already deleted",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AlreadyDeletedOrValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader can delete it; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    toggleMaterialLike: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether the caller now likes it, and the new count */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LikeToggle"];
                };
            };
            /** @description `INVALID_STATUS`: the material is not active; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INVALID_STATUS",
                     *         "message": "The upload is still in progress",
                     *         "details": {
                     *           "status": "processing"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidStatusOrValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listMaterialPagePreviews: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page previews made so far, in page order */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PagePreviewList"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getMaterialStoryboard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The storyboard */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Storyboard"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, not one the caller may see, or no storyboard yet */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    uploadMaterial: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description A video: mp4 or webm, or mov, m4v, mkv or avi made playable by the worker (at most 524288000 bytes); or a pdf, or an office document converted to PDF: pptx, ppt, odp, docx, doc or odt (at most 52428800 bytes)
                     */
                    file: Blob;
                    /** @example Linear algebra, lecture 3 */
                    title: string;
                    /** @example Eigenvalues and eigenvectors, with worked examples */
                    description?: string;
                };
            };
        };
        responses: {
            /** @description The new material */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    /** @description The material's URL */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Material"];
                };
            };
            /** @description `VALIDATION_ERROR`: a missing or invalid field, or more than one file */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the file passed its type's size limit; `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `UNSUPPORTED_FILE_TYPE`: not an mp4, webm or pdf, or the extension does not match */
            415: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_FILE_TYPE",
                     *         "message": "Only videos (mp4, webm, mov, m4v, mkv, avi), pdf and office documents (pptx, ppt, odp, docx, doc, odt) are accepted",
                     *         "details": {
                     *           "filename": "notes.docx"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UnsupportedFileTypeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `UPLOAD_FAILED`: storage failed or did not answer (within about twice `STORAGE_TIMEOUT_MS`); nothing is left behind; `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_FAILED",
                     *         "message": "Upload failed",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalErrorOrUploadFailedError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getUploadStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The upload's state */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadStatus"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader or an admin may see it; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getThumbnailStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The thumbnail's state */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThumbnailStatus"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader or an admin may see it; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    deleteUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `ALREADY_DELETED` when already hidden; `INVALID_STATUS` while its upload is in progress; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "ALREADY_DELETED",
                     *         "message": "Material is already deleted",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AlreadyDeletedOrInvalidStatusOrValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader can delete it; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    searchMaterials: {
        parameters: {
            query: {
                /** @description What to find: 1-200 characters after trimming. Chinese, English or both; the last word also matches as a prefix. */
                q: string;
                material_type?: "video" | "pdf";
                uploader_id?: number;
                page?: number;
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of matches */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
                };
            };
            /** @description `VALIDATION_ERROR` when `q` is not 1-200 characters after trimming; `INVALID_TYPE` for a bad `material_type`; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTypeOrValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    putCaptions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
                /** @description BCP-47 language tag, stored in canonical form (`zh-hans` becomes `zh-Hans`) */
                lang: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stored track */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaptionTrack"];
                };
            };
            /** @description `VALIDATION_ERROR` for a bad language tag or a file that does not parse (`details.line` names the line); `INVALID_TYPE` for a PDF; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTypeOrValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader can change captions; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: over 2 MiB; `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNSUPPORTED_FILE_TYPE`: not text/vtt or application/x-subrip */
            415: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_FILE_TYPE",
                     *         "message": "Only videos (mp4, webm, mov, m4v, mkv, avi), pdf and office documents (pptx, ppt, odp, docx, doc, odt) are accepted",
                     *         "details": {
                     *           "filename": "notes.docx"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UnsupportedFileTypeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    deleteCaptions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
                /** @description BCP-47 language tag, stored in canonical form (`zh-hans` becomes `zh-Hans`) */
                lang: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `FORBIDDEN`: only the uploader can change captions; `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FORBIDDEN",
                     *         "message": "Only the uploader can delete this material",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or no captions in that language */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listCaptions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 42 */
                material_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its caption tracks */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CaptionTrackList"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `NOT_FOUND`: no such material, or not one the caller may see */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    createResumableUpload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Created; `Location` is the upload's URL */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `VALIDATION_ERROR`: bad `Upload-Metadata` or `Upload-Length`, or `Upload-Defer-Length` */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `VALIDATION_ERROR`: no `Tus-Resumable: 1.0.0` */
            412: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: `Upload-Length` over the type's limit; `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `UNSUPPORTED_FILE_TYPE`: the file name's type is not accepted, or sent bytes are not of it */
            415: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_FILE_TYPE",
                     *         "message": "Only videos (mp4, webm, mov, m4v, mkv, avi), pdf and office documents (pptx, ppt, odp, docx, doc, odt) are accepted",
                     *         "details": {
                     *           "filename": "notes.docx"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UnsupportedFileTypeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `TOO_MANY_UPLOADS`: too many unfinished uploads (or `RATE_LIMIT_EXCEEDED`); `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TOO_MANY_UPLOADS",
                     *         "message": "At most 5 resumable uploads may be unfinished at once",
                     *         "details": {
                     *           "max_unfinished": 5
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededOrTooManyUploadsError"];
                };
            };
            /** @description `UPLOAD_FAILED`: storage or the database failed; `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_FAILED",
                     *         "message": "Upload failed",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalErrorOrUploadFailedError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    terminateResumableUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Terminated */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such unfinished upload of yours */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getResumableUploadOffset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `Upload-Offset` and `Upload-Length` in the headers */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such unfinished upload of yours */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `UPLOAD_EXPIRED`: past `Upload-Expires` */
            410: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_EXPIRED",
                     *         "message": "The upload has expired",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UploadExpiredError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    appendResumableUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stored; `Upload-Offset` is the new offset, `X-Material-Id` once complete */
            204: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such unfinished upload of yours */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `UPLOAD_OFFSET_CONFLICT`: `Upload-Offset` is not the stored offset */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_OFFSET_CONFLICT",
                     *         "message": "Upload-Offset does not match the stored offset",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UploadOffsetConflictError"];
                };
            };
            /** @description `UPLOAD_EXPIRED`: past `Upload-Expires` */
            410: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_EXPIRED",
                     *         "message": "The upload has expired",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UploadExpiredError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: more bytes than `Upload-Length`; `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNSUPPORTED_FILE_TYPE`: the first bytes are not of the declared type; the upload is gone */
            415: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNSUPPORTED_FILE_TYPE",
                     *         "message": "Only videos (mp4, webm, mov, m4v, mkv, avi), pdf and office documents (pptx, ppt, odp, docx, doc, odt) are accepted",
                     *         "details": {
                     *           "filename": "notes.docx"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UnsupportedFileTypeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `UPLOAD_FAILED`: storage or the database failed; the stored offset stays valid; `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UPLOAD_FAILED",
                     *         "message": "Upload failed",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalErrorOrUploadFailedError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @example user@example.com
                     */
                    email: string;
                    /** @example Ada Lovelace */
                    name: string;
                    /** @example correct-horse-battery-staple */
                    password: string;
                };
            };
        };
        responses: {
            /** @description The new account */
            201: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserProfile"];
                };
            };
            /** @description `EMAIL_ALREADY_EXISTS`: an account uses this email; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "EMAIL_ALREADY_EXISTS",
                     *         "message": "Email is already registered",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["EmailAlreadyExistsOrValidationError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @example user@example.com
                     */
                    email: string;
                    /** @example correct-horse-battery-staple */
                    password: string;
                };
            };
        };
        responses: {
            /** @description A new session's tokens and the user */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResult"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: wrong email or password */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UnauthorizedError"];
                };
            };
            /** @description `INACTIVE_USER`: the account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserProfile"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    refreshTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidHlwIjoicmVmcmVzaCJ9.Qm9vT3Vq4R2VtJ3bHc9pXyq7n0bXz4sYf0aI3q2GnJ2 */
                    refresh_token: string;
                };
            };
        };
        responses: {
            /** @description The new token pair */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResult"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `INVALID_TOKEN` / `USER_NOT_FOUND`: the refresh token is not usable */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INVALID_TOKEN",
                     *         "message": "Token is invalid or expired",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session is revoked */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogoutResult"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    runCleanup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description Remove uploads stuck in `processing`
                     * @default true
                     */
                    cleanup_processing?: boolean;
                    /**
                     * @description Remove objects no material references
                     * @default true
                     */
                    cleanup_orphans?: boolean;
                    /**
                     * @description Age after which a `processing` upload counts as abandoned
                     * @default 30
                     */
                    max_age_minutes?: number;
                    /**
                     * @description List what would be removed (`would_clean`) and remove nothing
                     * @default false
                     */
                    dry_run?: boolean;
                };
            };
        };
        responses: {
            /** @description What the cleanup removed */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CleanupResult"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `CLEANUP_FAILED`: the job failed or did not finish in time; `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "CLEANUP_FAILED",
                     *         "message": "Cleanup did not finish within 60 seconds",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CleanupFailedOrInternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    getSchedulerStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scheduled jobs */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulerStatus"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    pauseScheduledJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example cleanup_job */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job is paused */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobActionResult"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `JOB_NOT_FOUND`: no scheduled job has this id */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_NOT_FOUND",
                     *         "message": "Scheduled job nightly_report not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobNotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    resumeScheduledJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example cleanup_job */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job is scheduled again */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobActionResult"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `JOB_NOT_FOUND`: no scheduled job has this id */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_NOT_FOUND",
                     *         "message": "Scheduled job nightly_report not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobNotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listFailedJobs: {
        parameters: {
            query: {
                queue: "thumbnails" | "maintenance" | "media";
                page?: number;
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of failed jobs */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailedJobPage"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    retryFailedJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queue: "thumbnails" | "maintenance" | "media";
                /** @example thumbnail-42 */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job is queued again */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobActionResult"];
                };
            };
            /** @description `INVALID_STATUS`: the job has not failed; `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INVALID_STATUS",
                     *         "message": "The upload is still in progress",
                     *         "details": {
                     *           "status": "processing"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidStatusOrValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `NOT_FOUND`: no such job in the queue */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NOT_FOUND",
                     *         "message": "Material not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    editScheduledJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example cleanup_job */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Cron, read in UTC: 5 fields, or 6 with seconds first; at most once a minute
                     * @example *\/15 * * * *
                     */
                    cron: string;
                };
            };
        };
        responses: {
            /** @description The job with its next five run times */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduledJob"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `JOB_NOT_FOUND`: no scheduled job has this id */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_NOT_FOUND",
                     *         "message": "Scheduled job nightly_report not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobNotFoundError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    runScheduledJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example cleanup_job */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run is queued */
            202: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunAccepted"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `JOB_NOT_FOUND`: no scheduled job has this id */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_NOT_FOUND",
                     *         "message": "Scheduled job nightly_report not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobNotFoundError"];
                };
            };
            /** @description `JOB_ALREADY_RUNNING`: a run of this job waits or runs (`details.run_id`) */
            409: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_ALREADY_RUNNING",
                     *         "message": "Scheduled job cleanup_job is already running",
                     *         "details": {
                     *           "run_id": "run-cleanup_job-1"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobAlreadyRunningError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listScheduledJobRuns: {
        parameters: {
            query?: {
                outcome?: "running" | "completed" | "failed" | "retrying" | "interrupted";
                page?: number;
                page_size?: number;
            };
            header?: never;
            path: {
                /** @example cleanup_job */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of runs */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobRunPage"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `JOB_NOT_FOUND`: no scheduled job has this id */
            404: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "JOB_NOT_FOUND",
                     *         "message": "Scheduled job nightly_report not found",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["JobNotFoundError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listJobRuns: {
        parameters: {
            query?: {
                queue?: "thumbnails" | "maintenance" | "media";
                name?: string;
                outcome?: "running" | "completed" | "failed" | "retrying" | "interrupted";
                material_id?: number;
                page?: number;
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of runs */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobRunPage"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listAuditEntries: {
        parameters: {
            query?: {
                page?: number;
                page_size?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of audit entries */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    listQueues: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every queue */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueList"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
    updateQueue: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                queue: "thumbnails" | "maintenance" | "media";
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    paused?: boolean;
                    concurrency?: number | null;
                };
            };
        };
        responses: {
            /** @description The queue as it is now */
            200: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueStatus"];
                };
            };
            /** @description `VALIDATION_ERROR`: a parameter, query or body field breaks its rules */
            400: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; `USER_NOT_FOUND`: its user no longer exists */
            401: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UNAUTHORIZED",
                     *         "message": "Authentication required",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InvalidTokenOrUnauthorizedOrUserNotFoundError"];
                };
            };
            /** @description `INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator */
            403: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INACTIVE_USER",
                     *         "message": "User account is disabled",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ForbiddenOrInactiveUserError"];
                };
            };
            /** @description `FILE_TOO_LARGE`: the request body is larger than 1 MiB */
            413: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "FILE_TOO_LARGE",
                     *         "message": "Request body is too large",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["FileTooLargeError"];
                };
            };
            /** @description `VALIDATION_ERROR`: a path parameter is too long */
            414: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `VALIDATION_ERROR`: the request body could not be parsed */
            422: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "VALIDATION_ERROR",
                     *         "message": "Request validation failed",
                     *         "details": {
                     *           "fields": [
                     *             {
                     *               "field": "title",
                     *               "reason": "must NOT have fewer than 1 characters"
                     *             }
                     *           ]
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ValidationError"];
                };
            };
            /** @description `RATE_LIMIT_EXCEEDED`: too many requests from this client */
            429: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    "retry-after": components["headers"]["RetryAfter"];
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "RATE_LIMIT_EXCEEDED",
                     *         "message": "Too many requests, retry in 1 minute",
                     *         "details": {
                     *           "retry_after_seconds": 60
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RateLimitExceededError"];
                };
            };
            /** @description `INTERNAL_ERROR`: an unexpected failure */
            500: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "INTERNAL_ERROR",
                     *         "message": "Internal server error",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["InternalError"];
                };
            };
            /** @description `DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long */
            503: {
                headers: {
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DATABASE_ERROR",
                     *         "message": "Database is unavailable",
                     *         "details": {}
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DatabaseErrorOrServiceUnavailableError"];
                };
            };
        };
    };
}
