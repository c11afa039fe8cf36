import { readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux); 0 for a process
 * that has gone. Differences between two readings give the CPU a server spent on the load between them.
 */
export function cpuMilliseconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields of the line.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The summed CPU time of `pids`, in milliseconds. */
export const totalCpuMilliseconds = (pids: readonly number[]) =>
  pids.reduce((total, pid) => total + cpuMilliseconds(pid), 0);
