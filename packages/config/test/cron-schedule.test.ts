import { describe, expect, it } from "vitest";
import { checkCronSchedule, nextCronRuns } from "../src";

const from = new Date("2026-03-01T10:07:30Z");
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("checkCronSchedule", () => {
  it.each([
    "*/15 * * * *",
    "* * * * *",
    "0 * * * *",
    "5 4 * * sun",
    "@hourly",
    "0 */5 * * * *", // six fields, once a minute at most
  ])("accepts %s", (pattern) => {
    expect(checkCronSchedule(pattern)).toEqual({ valid: true, pattern });
  });

  it("trims the pattern it accepts", () => {
    expect(checkCronSchedule("  */15 * * * *\n")).toEqual({ valid: true, pattern: "*/15 * * * *" });
  });

  it.each([
    ["61 * * * *", "Constraint error, got value 61 expected range 0-59"],
    ["0 0 * * 8", "Constraint error, got value 8 expected range 0-7"],
    ["*/0 * * * *", "Constraint error, cannot repeat at every 0 time."],
    ["bogus", 'Validation error, cannot resolve alias "bog"'],
    ["* * * * * * *", "Invalid cron expression"],
    ["0 0 31 2 *", "Invalid explicit day of month definition"],
  ])("refuses %s with the parser's reason", (pattern, reason) => {
    expect(checkCronSchedule(pattern)).toEqual({ valid: false, reason });
  });

  it("refuses a blank pattern, which the parser would read as every minute", () => {
    expect(checkCronSchedule("")).toEqual({ valid: false, reason: "Cron pattern is empty" });
    expect(checkCronSchedule("   ")).toEqual({ valid: false, reason: "Cron pattern is empty" });
  });

  it.each(["* * * * * *", "*/30 * * * * *", "0,30 * * * * *", "0-1 * * * * *"])(
    "refuses %s, which runs more often than once a minute",
    (pattern) => {
      expect(checkCronSchedule(pattern)).toEqual({
        valid: false,
        reason: "Cron pattern runs more often than once a minute",
      });
    },
  );
});

describe("nextCronRuns", () => {
  it("lists the next runs after a time, in UTC", () => {
    expect(iso(nextCronRuns("*/15 * * * *", 5, from))).toEqual([
      "2026-03-01T10:15:00.000Z",
      "2026-03-01T10:30:00.000Z",
      "2026-03-01T10:45:00.000Z",
      "2026-03-01T11:00:00.000Z",
      "2026-03-01T11:15:00.000Z",
    ]);
    expect(iso(nextCronRuns("0 3 * * *", 2, from))).toEqual(["2026-03-02T03:00:00.000Z", "2026-03-03T03:00:00.000Z"]);
  });

  it("reads six-field patterns with seconds first", () => {
    expect(iso(nextCronRuns("20 * * * * *", 2, from))).toEqual([
      "2026-03-01T10:08:20.000Z",
      "2026-03-01T10:09:20.000Z",
    ]);
  });

  it("throws for a pattern checkCronSchedule refuses", () => {
    expect(() => nextCronRuns("*/30 * * * * *", 5, from)).toThrow(/more often than once a minute/);
    expect(() => nextCronRuns("61 * * * *", 5, from)).toThrow(/expected range 0-59/);
  });
});
