import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateVideo } from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseStoryboardInterval,
  decodeImage,
  MediaError,
  renderStoryboard,
  type Storyboard,
  storyboardCues,
  storyboardTileSize,
} from "../../src/media";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "storyboard-test-"));
  await generateVideo(path.join(dir, "23s.mp4"), {
    seconds: 23,
    codecArgs: ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50"],
    audio: false,
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface ParsedCue {
  start: number;
  end: number;
  sprite: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Parses the VTT the way a player does: `start --> end` then `url#xywh=x,y,w,h`. */
function parseVtt(vtt: string): ParsedCue[] {
  expect(vtt.startsWith("WEBVTT\n\n")).toBe(true);
  const seconds = (stamp: string) => {
    const [h, m, s] = stamp.split(":").map(Number);
    return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  };
  return vtt
    .slice("WEBVTT\n\n".length)
    .trim()
    .split("\n\n")
    .map((block) => {
      const match = /^(\S+) --> (\S+)\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(block);
      if (!match) throw new Error(`not a thumbnail cue: ${block}`);
      const [, start, end, sprite, x, y, w, h] = match;
      return {
        start: seconds(start as string),
        end: seconds(end as string),
        sprite: sprite as string,
        x: Number(x),
        y: Number(y),
        w: Number(w),
        h: Number(h),
      };
    });
}

async function expectCuesCoverVideo(storyboard: Storyboard): Promise<ParsedCue[]> {
  const cues = parseVtt(storyboard.vtt);
  expect(cues[0]?.start).toBe(0);
  expect(cues.at(-1)?.end).toBeCloseTo(storyboard.durationSeconds, 2);
  for (const [index, cue] of cues.entries()) {
    expect(cue.end).toBeGreaterThan(cue.start);
    if (index > 0) expect(cue.start).toBe(cues[index - 1]?.end);
  }
  // Every cue's rectangle lies inside the sprite it names.
  const sizes = new Map<string, { width: number; height: number }>();
  for (const sprite of storyboard.sprites) sizes.set(sprite.name, await decodeImage(sprite.jpeg));
  for (const cue of cues) {
    const size = sizes.get(cue.sprite);
    expect(size).toBeDefined();
    expect(cue.x + cue.w).toBeLessThanOrEqual(size?.width ?? 0);
    expect(cue.y + cue.h).toBeLessThanOrEqual(size?.height ?? 0);
  }
  return cues;
}

describe("renderStoryboard", () => {
  it("tiles frames at an interval chosen from the duration; the VTT cues cover the whole video", async () => {
    const storyboard = await renderStoryboard(path.join(dir, "23s.mp4"), { maxTiles: 10 });
    expect(storyboard.intervalSeconds).toBe(5);
    expect(storyboard.durationSeconds).toBeCloseTo(23, 0);
    expect([storyboard.tileWidth, storyboard.tileHeight]).toEqual([160, 120]);
    expect(storyboard.tileCount).toBe(5);
    expect(storyboard.sprites.map((s) => s.name)).toEqual(["storyboard-1.jpg"]);
    const sheet = await decodeImage(storyboard.sprites[0]?.jpeg ?? Buffer.alloc(0));
    expect([sheet.width, sheet.height]).toEqual([5 * 160, 120]);
    const cues = await expectCuesCoverVideo(storyboard);
    expect(cues.map((cue) => [cue.start, cue.x])).toEqual([
      [0, 0],
      [5, 160],
      [10, 320],
      [15, 480],
      [20, 640],
    ]);
  });

  it("spreads many tiles over several sprite sheets, row by row", async () => {
    const storyboard = await renderStoryboard(path.join(dir, "23s.mp4"), {
      columns: 4,
      rows: 2,
      tileWidth: 80,
      spriteName: (index) => `sheet${index}.jpg`,
    });
    expect(storyboard.intervalSeconds).toBe(1);
    expect(storyboard.tileCount).toBeGreaterThanOrEqual(23);
    expect(storyboard.sprites.map((s) => s.name)).toEqual(["sheet0.jpg", "sheet1.jpg", "sheet2.jpg"]);
    const first = await decodeImage(storyboard.sprites[0]?.jpeg ?? Buffer.alloc(0));
    expect([first.width, first.height]).toEqual([320, 120]);
    const cues = await expectCuesCoverVideo(storyboard);
    expect(cues[5]).toMatchObject({ sprite: "sheet0.jpg", x: 80, y: 60, w: 80, h: 60 });
    expect(cues[8]).toMatchObject({ sprite: "sheet1.jpg", x: 0, y: 0 });
  });

  it("reads only key frames of long videos and still covers the duration", async () => {
    const storyboard = await renderStoryboard(path.join(dir, "23s.mp4"), {
      maxTiles: 10,
      keyframesOnlyAfterSeconds: 0,
    });
    await expectCuesCoverVideo(storyboard);
  });

  it("fails with a reason for a file that is not a video", async () => {
    await writeFile(path.join(dir, "garbage.mp4"), Buffer.alloc(5000, 1));
    const error = await renderStoryboard(path.join(dir, "garbage.mp4")).then(
      () => expect.fail("expected a failure"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error).toBeInstanceOf(MediaError);
    expect(error.code).toBe("UNREADABLE_INPUT");
  });
});

describe("storyboard layout", () => {
  it("chooses the shortest round interval within the tile budget", () => {
    expect(chooseStoryboardInterval(23, 300)).toBe(1);
    expect(chooseStoryboardInterval(23, 10)).toBe(5);
    expect(chooseStoryboardInterval(3600, 300)).toBe(15);
    expect(chooseStoryboardInterval(3000, 300)).toBe(10);
    expect(chooseStoryboardInterval(10 * 3600, 300)).toBe(120);
    expect(chooseStoryboardInterval(1000 * 3600, 300)).toBe(12000);
  });

  it("sizes tiles by the aspect ratio, even heights", () => {
    expect(storyboardTileSize(1920, 1080, 160)).toEqual({ width: 160, height: 90 });
    expect(storyboardTileSize(640, 480, 160)).toEqual({ width: 160, height: 120 });
    expect(storyboardTileSize(1080, 1920, 160)).toEqual({ width: 160, height: 284 });
    expect(storyboardTileSize(null, null, 160)).toEqual({ width: 160, height: 90 });
  });

  it("ends the last cue at the duration and drops tiles past it", () => {
    const cues = storyboardCues({
      tileCount: 4,
      intervalSeconds: 10,
      durationSeconds: 25,
      columns: 2,
      tilesPerSprite: 4,
      tileWidth: 16,
      tileHeight: 9,
    });
    expect(cues.map((c) => [c.startSeconds, c.endSeconds])).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
  });
});
