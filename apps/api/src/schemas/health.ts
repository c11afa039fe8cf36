import { type Static, Type } from "@sinclair/typebox";

export const Liveness = Type.Object({
  status: Type.Literal("healthy"),
  version: Type.String(),
  environment: Type.String(),
});
export type Liveness = Static<typeof Liveness>;

export const DatabaseHealth = Type.Object({ status: Type.Literal("healthy"), database: Type.Literal("connected") });
export type DatabaseHealth = Static<typeof DatabaseHealth>;

export const Readiness = Type.Object({
  status: Type.Literal("ready"),
  checks: Type.Object({ database: Type.Literal("ok"), redis: Type.Literal("ok"), storage: Type.Literal("ok") }),
});
export type Readiness = Static<typeof Readiness>;
