import rateLimit from "@fastify/rate-limit";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import { rateLimitExceeded } from "../errors/app-error";

/**
 * Per-client-IP request limits, counted in Redis so every API process shares
 * them. Off unless `RATE_LIMIT_ENABLED`; routes may set a stricter
 * `config.rateLimit` (login and register do). Register before the routes.
 */
export const rateLimitPlugin = fp<{ config: Config; redis: Redis }>(
  async (app: FastifyInstance, { config, redis }) => {
    if (!config.rateLimit.enabled) return;
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowSeconds * 1000,
      redis,
      nameSpace: `${config.redis.prefix}:rate-limit:`,
      // Redis being down should slow nothing down: requests pass uncounted.
      skipOnError: true,
      errorResponseBuilder: (_request, context) => rateLimitExceeded(context.after, Math.ceil(context.ttl / 1000)),
    });
  },
  { name: "rate-limit" },
);
