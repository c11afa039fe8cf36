import type { AppDependencies } from "../dependencies";
import { HealthService } from "./health-service";

/** Composition root of the services; routes receive what they need from here. */
export function createServices(deps: AppDependencies) {
  return {
    health: new HealthService(deps.config, deps.database),
  };
}

export type Services = ReturnType<typeof createServices>;
