// Values the global setup hands to every test file through vitest's provide/inject.
declare module "vitest" {
  export interface ProvidedContext {
    s3Endpoint: string;
    templateDatabase: string;
    /** A database URL on the test PostgreSQL server, for creating and dropping databases. */
    postgresAdminUrl: string;
    redisUrl: string;
  }
}

export {};
