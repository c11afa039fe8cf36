/** Candidate intervals between storyboard frames, in seconds: round numbers a player's scrubbing feels right with. */
const INTERVAL_LADDER = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600];

/** The shortest interval from the ladder that keeps a video of this length within `maxTiles` frames. */
export function chooseStoryboardInterval(durationSeconds: number, maxTiles: number): number {
  for (const interval of INTERVAL_LADDER) {
    if (Math.ceil(durationSeconds / interval) <= maxTiles) return interval;
  }
  return Math.ceil(durationSeconds / maxTiles);
}

/** A tile `width` wide in the video's display aspect ratio, with an even height between 2 and 2x the width. */
export function storyboardTileSize(
  videoWidth: number | null,
  videoHeight: number | null,
  width: number,
): { width: number; height: number } {
  if (!videoWidth || !videoHeight) return { width, height: Math.round((width * 9) / 32) * 2 };
  const height = Math.round((width * videoHeight) / videoWidth / 2) * 2;
  return { width, height: Math.min(Math.max(2, height), width * 2) };
}

export interface StoryboardCue {
  startSeconds: number;
  endSeconds: number;
  sprite: number;
  x: number;
  y: number;
}

/**
 * One cue per tile, in order: tile `i` shows from `i * interval` to the next tile, the last one to the end of
 * the video, so the cues cover the whole duration without gaps. Tiles fill sprite sheets row by row.
 */
export function storyboardCues(layout: {
  tileCount: number;
  intervalSeconds: number;
  durationSeconds: number;
  columns: number;
  tilesPerSprite: number;
  tileWidth: number;
  tileHeight: number;
}): StoryboardCue[] {
  const cues: StoryboardCue[] = [];
  for (let index = 0; index < layout.tileCount; index++) {
    const withinSprite = index % layout.tilesPerSprite;
    const last = index === layout.tileCount - 1;
    cues.push({
      startSeconds: Math.min(index * layout.intervalSeconds, layout.durationSeconds),
      endSeconds: last
        ? layout.durationSeconds
        : Math.min((index + 1) * layout.intervalSeconds, layout.durationSeconds),
      sprite: Math.floor(index / layout.tilesPerSprite),
      x: (withinSprite % layout.columns) * layout.tileWidth,
      y: Math.floor(withinSprite / layout.columns) * layout.tileHeight,
    });
  }
  return cues.filter((cue) => cue.endSeconds > cue.startSeconds);
}

function timestamp(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const h = Math.floor(millis / 3_600_000);
  const m = Math.floor((millis % 3_600_000) / 60_000);
  const s = Math.floor((millis % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(millis % 1000, 3)}`;
}

/**
 * A WebVTT thumbnails track as Video.js, Plyr and Vidstack read it: each cue's text is the sprite's URL (here
 * relative to the track, so sheets stored beside it resolve) with a `#xywh=x,y,w,h` media fragment.
 */
export function storyboardVtt(cues: StoryboardCue[], spriteNames: string[], tile: { width: number; height: number }) {
  const blocks = cues.map(
    (cue) =>
      `${timestamp(cue.startSeconds)} --> ${timestamp(cue.endSeconds)}\n` +
      `${spriteNames[cue.sprite]}#xywh=${cue.x},${cue.y},${tile.width},${tile.height}`,
  );
  return `WEBVTT\n\n${blocks.join("\n\n")}\n`;
}
