import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { type ExportedSeries, exportedSeries } from "./support/exported-metrics";
import { readPromql, withoutGrafanaVariables } from "./support/promql";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MONITORING = join(ROOT, "infra/monitoring");

/** Series Prometheus makes itself for every target (not exported by the apps). */
const PROMETHEUS_SERIES = new Map([["up", new Set(["job", "instance"])]]);

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

interface Dashboard {
  uid: string;
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
}

const promtool = (...args: string[]) => spawnSync("promtool", args, { cwd: MONITORING, encoding: "utf8" });

const alertRules = () =>
  (parseYaml(readFileSync(join(MONITORING, "alerts.yml"), "utf8")) as RuleFile).groups[0]?.rules ?? [];
const dashboard = () => JSON.parse(readFileSync(join(MONITORING, "grafana-dashboard.json"), "utf8")) as Dashboard;
const dashboardExpressions = () =>
  dashboard().panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: withoutGrafanaVariables(target.expr) })),
  );

let exported: ExportedSeries;
let scratch: string;

beforeAll(async () => {
  exported = await exportedSeries();
  scratch = mkdtempSync(join(tmpdir(), "lh-monitoring-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every series selector of `expr` names a series the apps export, matched on labels it has. */
function unknownSeries(expr: string): string[] {
  const reading = readPromql(expr);
  const problems = reading.errors.map((error) => `cannot parse ${error}`);
  for (const { metric, labels } of reading.selectors) {
    const known = exported.get(metric) ?? PROMETHEUS_SERIES.get(metric);
    if (!known) {
      problems.push(`${metric} is not exported by the API or the worker`);
      continue;
    }
    for (const label of labels) if (!known.has(label)) problems.push(`${metric} has no label ${label}`);
  }
  return problems;
}

describe("Prometheus alert rules (infra/monitoring/alerts.yml)", () => {
  it("pass promtool check rules", () => {
    const result = promtool("check", "rules", "alerts.yml");
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("pass their promtool unit tests", () => {
    const result = promtool("test", "rules", "alerts.test.yml");
    expect(`${result.stdout}${result.stderr}`).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("cover backlog, job failures, 5xx and readiness, each with a unit test and a README entry", () => {
    const names = alertRules().map((rule) => rule.alert);
    expect(names).toEqual(
      expect.arrayContaining(["QueueBacklogGrowing", "JobFailureRateHigh", "ApiErrorRateHigh", "ApiNotReady"]),
    );
    const tests = readFileSync(join(MONITORING, "alerts.test.yml"), "utf8");
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const name of names) {
      expect(tests.includes(`alertname: ${name}`), `unit test of ${name}`).toBe(true);
      expect(readme.includes(`\`${name}\``), `README entry of ${name}`).toBe(true);
    }
  });

  it("select only series the apps export, on labels those series have", () => {
    const problems = alertRules().flatMap((rule) => unknownSeries(rule.expr).map((p) => `${rule.alert}: ${p}`));
    expect(problems).toEqual([]);
  });

  it("load from the example Prometheus configuration", () => {
    const result = promtool("check", "config", "prometheus.yml");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("SUCCESS: 1 rule files found");
  });
});

describe("Grafana dashboard (infra/monitoring/grafana-dashboard.json)", () => {
  it("has panels with queries over every area: API, queues, jobs and processes", () => {
    const board = dashboard();
    expect(board.uid).toBe("learning-hub");
    const rows = board.panels.filter((panel) => panel.type === "row").map((panel) => panel.title);
    expect(rows).toEqual(["API", "Queues", "Jobs", "Processes"]);
    for (const panel of board.panels.filter((p) => p.type !== "row")) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it("queries Prometheus with valid PromQL (promtool reads them as recording rules)", () => {
    const rules: RuleFile = {
      groups: [
        {
          name: "dashboard",
          rules: dashboardExpressions().map(({ expr }, i) => ({ record: `dashboard:query_${i}`, expr })),
        },
      ],
    };
    const file = join(scratch, "dashboard-queries.yml");
    writeFileSync(file, stringifyYaml(rules));
    const result = promtool("check", "rules", file);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("selects only series the apps export, on labels those series have", () => {
    const problems = dashboardExpressions().flatMap(({ panel, expr }) =>
      unknownSeries(expr).map((p) => `${panel}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("shows every series the apps export that the README documents", () => {
    const used = new Set(dashboardExpressions().flatMap(({ expr }) => readPromql(expr).selectors.map((s) => s.metric)));
    for (const metric of [
      "upload_bytes_total",
      "queue_jobs",
      "queue_jobs_collect_failures_total",
      "job_failures_total",
    ]) {
      expect(used, metric).toContain(metric);
    }
    expect(used).toContain("http_request_duration_seconds_bucket");
    expect(used).toContain("job_duration_seconds_bucket");
  });
});

describe("the check itself", () => {
  it("catches a metric or label the apps do not export, and unparsable PromQL", () => {
    expect(unknownSeries('rate(job_failures_total{final="true"}[5m])')).toEqual([]);
    expect(unknownSeries("rate(job_failure_total[5m])")).toEqual([
      "job_failure_total is not exported by the API or the worker",
    ]);
    expect(unknownSeries('sum(http_request_duration_seconds_count{status="500"})')).toEqual([
      "http_request_duration_seconds_count has no label status",
    ]);
    expect(unknownSeries("sum(rate(queue_jobs[5m])")).not.toEqual([]);
  });
});
