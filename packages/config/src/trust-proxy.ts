import { isIP } from "node:net";

/** Who may tell the API the client's address: nobody, the nearest `hops` proxies, or proxies at these addresses. */
export type TrustProxy = false | number | string[];

/** Names `proxy-addr` (Fastify's `trustProxy`) understands for the usual private ranges. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Parses `TRUST_PROXY`; returns the problem as a string when the value is not one of the three forms. */
export function parseTrustProxy(raw: string): TrustProxy | string {
  const value = raw.trim();
  if (value === "" || value === "false" || value === "0") return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isTrustedProxyEntry(entry));
  if (bad.length > 0) return `not a hop count or a list of addresses/CIDRs: ${bad.join(", ")}`;
  return entries;
}

function isTrustedProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}
