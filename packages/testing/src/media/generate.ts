// `pnpm test:media`: makes the test media files now (the test run does it on its own) and prints their folder.
import { ensureTestMedia } from "./test-media";

process.stdout.write(`${await ensureTestMedia()}\n`);
