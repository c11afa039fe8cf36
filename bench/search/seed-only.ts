import { seedSearch } from "./seed";

const [materials = "1000", pages = "10000"] = process.argv.slice(2);
const started = Date.now();
await seedSearch({ materials: Number(materials), pages: Number(pages), pageCharacters: 400, seed: 13 }, (line) =>
  process.stdout.write(`${line}\n`),
);
process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
