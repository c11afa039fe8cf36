import type { TrustProxy } from "@learning-hub/config";

/** Fastify's `trustProxy` for `TRUST_PROXY` (its typings lack the hop count, which it takes as this function). */
export function fastifyTrustProxy(
  trustProxy: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== "number") return trustProxy;
  return (_address, hop) => hop < trustProxy;
}
