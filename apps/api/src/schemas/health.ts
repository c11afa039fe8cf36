import { type Static, Type } from "@sinclair/typebox";

export const Liveness = Type.Object(
  {
    status: Type.Literal("healthy"),
    version: Type.String({ examples: ["1.0.0"] }),
    environment: Type.String({ examples: ["production"] }),
  },
  { $id: "Liveness" },
);
export type Liveness = Static<typeof Liveness>;

export const DatabaseHealth = Type.Object(
  { status: Type.Literal("healthy"), database: Type.Literal("connected") },
  { $id: "DatabaseHealth" },
);
export type DatabaseHealth = Static<typeof DatabaseHealth>;

export const Readiness = Type.Object(
  {
    status: Type.Literal("ready"),
    checks: Type.Object({ database: Type.Literal("ok"), redis: Type.Literal("ok"), storage: Type.Literal("ok") }),
  },
  { $id: "Readiness" },
);
export type Readiness = Static<typeof Readiness>;

export const healthSchemas = [Liveness, DatabaseHealth, Readiness];
