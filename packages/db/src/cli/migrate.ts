import { loadConfig } from "@learning-hub/config";
import { runMigrations } from "../migrate";

const config = loadConfig();
await runMigrations(config.database.url);
process.stdout.write("migrations applied\n");
