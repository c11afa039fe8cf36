const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const OPERATION_HEADING = new RegExp(`^#{2,4} (${METHODS.join("|")}) (/\\S*)\\s*$`);

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** `METHOD /path` of every operation the OpenAPI document declares, with its response status codes. */
export function documentedOperations(document: OpenApiDocument): Map<string, string[]> {
  const operations = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!METHODS.includes(method.toUpperCase() as (typeof METHODS)[number])) continue;
      operations.set(`${method.toUpperCase()} ${path}`, Object.keys(operation.responses ?? {}));
    }
  }
  return operations;
}

/** The reference's sections, one per `### METHOD /path` heading: the text up to the next heading. */
export function referenceSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of markdown.split("\n")) {
    const heading = OPERATION_HEADING.exec(line);
    if (heading) {
      current = `${heading[1]} ${heading[2]}`;
      if (sections.has(current)) throw new Error(`docs/api.md has two sections for ${current}`);
      sections.set(current, "");
    } else if (line.startsWith("#")) {
      current = undefined;
    } else if (current) {
      sections.set(current, `${sections.get(current)}${line}\n`);
    }
  }
  return sections;
}

/** The statuses the reference documents once for every operation: its paragraph starting `**Any operation**`. */
export function anyOperationStatuses(markdown: string): Set<string> {
  const paragraph = markdown.split(/\n\s*\n/).find((text) => text.startsWith("**Any operation**")) ?? "";
  return new Set(paragraph.match(/\b[1-5]\d\d\b/g) ?? []);
}

/** What the reference and the OpenAPI document disagree on, one sentence each; empty when they agree. */
export function referenceProblems(markdown: string, document: OpenApiDocument): string[] {
  const operations = documentedOperations(document);
  const sections = referenceSections(markdown);
  const everywhere = anyOperationStatuses(markdown);
  const problems: string[] = [];
  for (const [operation, statuses] of operations) {
    const section = sections.get(operation);
    if (section === undefined) {
      problems.push(`${operation} is served but has no section in docs/api.md`);
      continue;
    }
    for (const status of statuses.filter((code) => !everywhere.has(code))) {
      if (!new RegExp(`\\b${status}\\b`).test(section)) {
        problems.push(`${operation} can answer ${status} but its section does not say so`);
      }
    }
  }
  for (const operation of sections.keys()) {
    if (!operations.has(operation)) problems.push(`${operation} is in docs/api.md but not served`);
  }
  return problems;
}
