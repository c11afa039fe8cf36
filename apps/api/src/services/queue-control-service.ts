import type { Config } from "@learning-hub/config";
import { type QueueControlChange, QueueControlsRepository } from "@learning-hub/db/repositories/queue-controls";
import { QUEUE_STATES } from "@learning-hub/metrics";
import { applyQueueControl, type JobQueues, type QueueName, schedulerChangedChannel } from "@learning-hub/queue";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { ServiceDependencies } from "../dependencies";
import type { QueueList, QueueStatus } from "../schemas/admin";
import type { AdminActor, AuditService } from "./audit-service";

export interface QueueControlServiceOptions {
  config: Config;
  repository: QueueControlsRepository;
  queues: JobQueues;
  redis: Redis;
  logger: FastifyBaseLogger;
  audit: AuditService;
}

/**
 * The queues as admins see and steer them: counts by state, paused, global concurrency and workers.
 * Changes are kept in PostgreSQL (`queue_controls`) and applied like schedules: by the API at once,
 * under the appliers' lock, and by every worker's reconciler (a restart or a Redis flush keeps them).
 */
export class QueueControlService {
  constructor(private readonly options: QueueControlServiceOptions) {}

  async list(): Promise<QueueList> {
    const { queues, repository } = this.options;
    const controls = await repository.all();
    const statuses = await Promise.all(
      queues.all().map(async (queue): Promise<QueueStatus> => {
        const [counts, workers] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getWorkersCount()]);
        const control = controls.get(queue.name) ?? { paused: false, concurrency: null };
        const byState = Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0]));
        return {
          name: queue.name as QueueName,
          counts: byState as QueueStatus["counts"],
          paused: control.paused,
          concurrency: control.concurrency,
          workers,
        };
      }),
    );
    return { queues: statuses };
  }

  async update(name: QueueName, change: QueueControlChange, actor: AdminActor): Promise<QueueStatus> {
    const { repository, queues, redis, config, logger, audit } = this.options;
    const { before, after } = await repository.update(name, change);
    await audit.record(actor, {
      action: "queue.update",
      targetType: "queue",
      targetId: name,
      before: { ...before },
      after: { ...after },
    });
    try {
      await repository.applyLocked(name, (desired) => applyQueueControl(queues[name], desired));
      await redis.publish(schedulerChangedChannel(config.redis.prefix), `queue:${name}`);
    } catch (error) {
      logger.warn({ queue: name, err: error }, "could not apply the queue change to Redis; workers will reconcile it");
    }
    const current = (await this.list()).queues.find((queue) => queue.name === name);
    if (!current) throw new Error(`queue ${name} vanished`);
    return current;
  }
}

export const createQueueControlService = (deps: ServiceDependencies, audit: AuditService): QueueControlService =>
  new QueueControlService({
    config: deps.config,
    repository: new QueueControlsRepository(deps.database.db),
    queues: deps.queues,
    redis: deps.redis,
    logger: deps.logger,
    audit,
  });
