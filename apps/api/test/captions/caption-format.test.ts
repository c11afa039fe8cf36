import { describe, expect, it } from "vitest";
import { CaptionSyntaxError, parseSrt, parseWebVtt } from "../../src/services/caption-format";

function syntaxError(parse: () => unknown): CaptionSyntaxError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(CaptionSyntaxError);
    return error as CaptionSyntaxError;
  }
  return expect.fail("expected a CaptionSyntaxError");
}

describe("parseWebVtt", () => {
  it("reads cues with and without identifiers, hours optional, skipping NOTE/STYLE blocks and markup", () => {
    const source = [
      "\uFEFFWEBVTT - lecture 4",
      "Kind: captions",
      "",
      "NOTE made by hand",
      "",
      "STYLE",
      "::cue { color: red }",
      "",
      "intro",
      "00:00.500 --> 00:04.000 align:start",
      "<v Lecturer>Welcome &amp; <i>hello</i></v>",
      "second line",
      "",
      "00:12:34.000 --> 00:12:40.250",
      "反向传播",
      "",
    ].join("\r\n");
    const parsed = parseWebVtt(source);
    expect(parsed.cues).toEqual([
      { startSeconds: 0.5, endSeconds: 4, text: "Welcome & hello second line" },
      { startSeconds: 754, endSeconds: 760.25, text: "反向传播" },
    ]);
    expect(parsed.vtt.startsWith("WEBVTT - lecture 4")).toBe(true);
  });

  it("names the line of a bad timestamp", () => {
    const error = syntaxError(() =>
      parseWebVtt("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nok\n\n2\n00:00:03,000 --> 00:00:04.000\nbad\n"),
    );
    expect(error.line).toBe(8);
    expect(error.message).toBe('line 8: "00:00:03,000" is not a timestamp');
  });

  it("names the line of a cue without timing, and of a cue that ends before it starts", () => {
    expect(syntaxError(() => parseWebVtt("WEBVTT\n\nhello\nworld\n")).line).toBe(4);
    expect(syntaxError(() => parseWebVtt("WEBVTT\n\n\n00:05.000 --> 00:04.000\nx")).line).toBe(4);
  });

  it("requires the WEBVTT signature on line 1", () => {
    const error = syntaxError(() => parseWebVtt("1\n00:00:01,000 --> 00:00:02,000\nhi\n"));
    expect(error.line).toBe(1);
    expect(syntaxError(() => parseWebVtt("WEBVTTX\n")).line).toBe(1);
    expect(syntaxError(() => parseWebVtt("")).line).toBe(1);
  });
});

describe("parseSrt", () => {
  it("reads cues and writes them as WebVTT, keeping i/b/u, dropping font tags, escaping the rest", () => {
    const source =
      "1\r\n00:00:01,000 --> 00:00:02,500\r\n<font color=red>Hi</font> <i>there</i> a<b & c\r\n\r\n2\r\n01:02:03,04 --> 01:02:04,000\r\n反向传播 --> next\r\n";
    const parsed = parseSrt(source);
    expect(parsed.cues).toEqual([
      { startSeconds: 1, endSeconds: 2.5, text: "Hi there a<b & c" },
      { startSeconds: 3723.04, endSeconds: 3724, text: "反向传播 --> next" },
    ]);
    expect(parsed.vtt).toBe(
      "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHi <i>there</i> a&lt;b &amp; c\n\n2\n01:02:03.040 --> 01:02:04.000\n反向传播 --&gt; next\n",
    );
    expect(parseWebVtt(parsed.vtt).cues).toEqual(parsed.cues);
  });

  it("names the line of a missing cue number or a bad timing", () => {
    expect(syntaxError(() => parseSrt("1\n00:00:01,000 --> 00:00:02,000\nok\n\nhello\nworld\n")).line).toBe(5);
    const error = syntaxError(() => parseSrt("1\n00:00:01,000 -> 00:00:02,000\nok\n"));
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/expected a cue timing/);
  });
});
