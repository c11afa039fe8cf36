import autocannon from "autocannon";

/** One slice of load against one side. */
export interface Measurement {
  rps: number;
  /** Requests answered in the slice. */
  requests: number;
  p50: number;
  p99: number;
}

/** Loads `url` for `duration` seconds; any non-2xx answer or error fails the benchmark. */
export async function measure(
  url: string,
  options: { connections: number; duration: number; headers?: Record<string, string> },
): Promise<Measurement> {
  const result = await autocannon({ url, ...options });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
