import { parser } from "@prometheus-io/lezer-promql";

/** One series selector of an expression: its metric name and the label names it matches on. */
export interface Selector {
  metric: string;
  labels: string[];
}

export interface PromqlReading {
  selectors: Selector[];
  /** Pieces of the expression the PromQL grammar could not read. */
  errors: string[];
}

/**
 * Reads an expression with Prometheus' own PromQL grammar (the one its web UI uses)
 * and returns the series it selects. Grafana's `$__rate_interval`-style variables must
 * be substituted first.
 */
export function readPromql(expression: string): PromqlReading {
  const tree = parser.parse(expression);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  const text = (from: number, to: number) => expression.slice(from, to);
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`"${text(node.from, node.to)}" at ${node.from}`);
      if (node.name !== "VectorSelector") return;
      const selector: Selector = { metric: "", labels: [] };
      const cursor = node.node.cursor();
      cursor.iterate((inner) => {
        if (inner.name === "Identifier" && selector.metric === "") selector.metric = text(inner.from, inner.to);
        if (inner.name === "LabelName") selector.labels.push(text(inner.from, inner.to));
      });
      selectors.push(selector);
      return false;
    },
  });
  return { selectors, errors };
}

/** Grafana's interval variables, replaced by a plain duration so the expression is PromQL again. */
export const withoutGrafanaVariables = (expression: string): string =>
  expression.replace(/\$__(rate_interval|interval|range)\b/g, "5m");
