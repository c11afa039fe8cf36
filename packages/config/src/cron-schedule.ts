// A CommonJS module whose exports Node cannot name statically: default import only.
import cronParser from "cron-parser";

/** Schedules are read in UTC, like every time the API shows, whatever the machine's zone. */
export const CRON_TIME_ZONE = "UTC";

export type CronScheduleCheck = { valid: true; pattern: string } | { valid: false; reason: string };

/**
 * Checks a cron pattern the way BullMQ will read it: the same parser (cron-parser,
 * pinned to the version BullMQ uses), in UTC. Five fields, or six with seconds
 * first. Refuses blank patterns (the parser would read them as every minute) and
 * patterns firing more than once a minute (a seconds field with several values).
 * `reason` is the parser's own message where it has one. `allowSubMinute` lets
 * the configured `CLEANUP_SCHEDULE` fire every few seconds (tests rely on it).
 */
export function checkCronSchedule(pattern: string, options: { allowSubMinute?: boolean } = {}): CronScheduleCheck {
  const trimmed = pattern.trim();
  if (trimmed === "") return { valid: false, reason: "Cron pattern is empty" };
  try {
    const interval = cronParser.parseExpression(trimmed, { tz: CRON_TIME_ZONE });
    if (!options.allowSubMinute && interval.fields.second.length > 1) {
      return { valid: false, reason: "Cron pattern runs more often than once a minute" };
    }
    // A pattern whose dates never come (e.g. 30 February) fails here rather than in BullMQ.
    interval.next();
  } catch (error) {
    return { valid: false, reason: (error as Error).message };
  }
  return { valid: true, pattern: trimmed };
}

/** The next `count` run times of a valid pattern after `from`, in UTC. Throws for a pattern `checkCronSchedule` refuses. */
export function nextCronRuns(pattern: string, count: number, from: Date = new Date()): Date[] {
  const check = checkCronSchedule(pattern);
  if (!check.valid) throw new Error(`Invalid cron pattern "${pattern}": ${check.reason}`);
  const interval = cronParser.parseExpression(check.pattern, { tz: CRON_TIME_ZONE, currentDate: from });
  const runs: Date[] = [];
  for (let i = 0; i < count && interval.hasNext(); i++) runs.push(interval.next().toDate());
  return runs;
}
