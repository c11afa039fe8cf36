const MAX_REASON_LENGTH = 300;

/**
 * Turns ffmpeg/ffprobe stderr into a short reason: drops `[demuxer @ 0x...]` prefixes, progress noise and
 * every occurrence of the input (a presigned URL carries credentials and must not end up in the database).
 */
export function reasonFromFfmpegOutput(stderr: string, input: string): string {
  const lines: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    let line = raw.split(input).join("input").trim();
    line = line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, "");
    line = line.replace(/^input:\s*/, "");
    // Any other URL (e.g. after a redirect) is redacted down to its origin.
    line = line.replace(/(https?:\/\/[^/\s]+)\S*/gi, "$1/…");
    if (line === "" || /^(frame=|size=|video:|Conversion failed|Exiting normally)/.test(line)) continue;
    if (!lines.includes(line)) lines.push(line);
  }
  const joined = lines.join("; ");
  if (joined === "") return "no diagnostic output";
  return joined.length > MAX_REASON_LENGTH ? `${joined.slice(0, MAX_REASON_LENGTH - 1)}…` : joined;
}
