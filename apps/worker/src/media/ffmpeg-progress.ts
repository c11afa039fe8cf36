/**
 * Turns ffmpeg's `-progress pipe:1` output (blocks of `key=value` lines, each ending with `progress=continue`
 * or `progress=end`) into a percentage of `durationSeconds`. Reports 100 only at `progress=end`, so a
 * duration that is slightly off never shows a finished transcode early.
 */
export class FfmpegProgress {
  #outTimeSeconds = 0;
  #percent = 0;

  constructor(private readonly durationSeconds: number | null) {}

  /** Feeds one line; returns the new percentage (0-100) at the end of each block when it moved, else `null`. */
  update(line: string): number | null {
    const separator = line.indexOf("=");
    if (separator < 0) return null;
    const key = line.slice(0, separator);
    const value = line.slice(separator + 1);
    if (key === "out_time_us" || key === "out_time_ms") {
      // Both are microseconds (`out_time_ms` is misnamed); "N/A" before the first frame.
      const micros = Number(value);
      if (Number.isFinite(micros) && micros >= 0) this.#outTimeSeconds = micros / 1_000_000;
      return null;
    }
    if (key !== "progress") return null;
    const percent = value === "end" ? 100 : this.#runningPercent();
    if (percent <= this.#percent) return null;
    this.#percent = percent;
    return percent;
  }

  #runningPercent(): number {
    if (!this.durationSeconds) return this.#percent;
    return Math.min(99, Math.floor((this.#outTimeSeconds / this.durationSeconds) * 100));
  }
}
