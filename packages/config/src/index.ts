export { type Config, ConfigError, DEV_JWT_SECRET, loadConfig } from "./config";
export { type Env, EnvSchema } from "./schema";
export * from "./services";
export { parseTrustProxy, type TrustProxy } from "./trust-proxy";
