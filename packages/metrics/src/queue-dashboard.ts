import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";

/** Where the operator server serves the dashboard. */
export const QUEUE_DASHBOARD_PATH = "/queues";

/**
 * bull-board over the given queues, under `/queues`. Read-only unless `writable`:
 * bull-board then hides its buttons and answers 405 to every action of its API.
 */
export async function mountQueueDashboard(
  app: FastifyInstance,
  options: { queues: readonly Queue[]; writable: boolean },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !options.writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Learning Hub" } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
}
