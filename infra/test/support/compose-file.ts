import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";

const require = createRequire(import.meta.url);

/**
 * The Compose Specification's JSON schema (draft-07), as shipped by the maintained linter dclint; without its
 * `$schema` (an https spelling of draft-07 that Ajv, draft-07 by default, does not know).
 */
export function composeSpecSchema(): Record<string, unknown> {
  // Not in the package's exports: found beside its package.json.
  const packageJson = require.resolve("dclint/package.json");
  const { $schema: _draft07, ...schema } = JSON.parse(
    readFileSync(join(dirname(packageJson), "schemas/compose.schema.json"), "utf8"),
  );
  return schema;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped), as Compose reads `.env`. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = (match[2] ?? "").trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return env;
}

export class InterpolationError extends Error {}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Compose's variable interpolation of one value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}` (the Compose Specification,
 * "Interpolation"). Throws InterpolationError with the message of a `?` form whose variable is missing.
 */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(VARIABLE, (whole, braced?: string, operator?: string, argument = "", bare?: string) => {
    if (whole === "$$") return "$";
    const name = braced ?? bare ?? "";
    const current = env[name];
    const set = current !== undefined;
    const nonEmpty = set && current !== "";
    switch (operator) {
      case ":-":
        return nonEmpty ? current : argument;
      case "-":
        return set ? current : argument;
      case ":?":
      case "?":
        if (operator === ":?" ? nonEmpty : set) return current ?? "";
        throw new InterpolationError(`required variable ${name} is missing a value: ${argument}`);
      case ":+":
        return nonEmpty ? argument : "";
      case "+":
        return set ? argument : "";
      default:
        return current ?? "";
    }
  });
}

function interpolateAll(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === "string") return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, env)]));
  }
  return node;
}

/** A compose file parsed (YAML merge keys and anchors resolved) and interpolated with `env`, as `docker compose config` does. */
export function loadComposeFile(path: string, env: Record<string, string>): Record<string, unknown> {
  const document = parseYaml(readFileSync(path, "utf8"), { merge: true, maxAliasCount: -1 });
  return interpolateAll(document, env) as Record<string, unknown>;
}

/** Schema errors of a compose document, as readable lines (none when it is valid). */
export function composeSchemaErrors(document: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(composeSpecSchema());
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}`);
}
