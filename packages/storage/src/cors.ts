/** How long browsers may cache the answer to a preflight of the bucket. */
const PREFLIGHT_MAX_AGE_SECONDS = 3600;

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An S3 CORS configuration that lets web apps on `origins` read objects with
 * `fetch` (GET/HEAD, `Range` requests included) and see the headers a range
 * read needs; writing stays with the API.
 */
export function browserReadCors(origins: readonly string[] | "*"): string {
  const allowed = origins === "*" ? ["*"] : origins;
  const rule = [
    ...allowed.map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`),
    "<AllowedMethod>GET</AllowedMethod>",
    "<AllowedMethod>HEAD</AllowedMethod>",
    "<AllowedHeader>*</AllowedHeader>",
    ...["Accept-Ranges", "Content-Length", "Content-Range", "Content-Type", "ETag", "Last-Modified"].map(
      (header) => `<ExposeHeader>${header}</ExposeHeader>`,
    ),
    `<MaxAgeSeconds>${PREFLIGHT_MAX_AGE_SECONDS}</MaxAgeSeconds>`,
  ].join("");
  return `<CORSConfiguration><CORSRule>${rule}</CORSRule></CORSConfiguration>`;
}
