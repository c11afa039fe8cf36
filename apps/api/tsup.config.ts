import type { Options } from "tsup";
import apps from "../../tsup.apps";

// The admin command ships in the image beside the server: `node dist/user-admin.js <email> [--revoke]`.
export default {
  ...(apps as Options),
  entry: { main: "src/main.ts", "user-admin": "src/cli/user-admin.ts" },
} satisfies Options;
