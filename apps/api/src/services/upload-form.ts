import type { FieldProblem } from "../errors/app-error";
import { CONTROL_CHARACTERS_REASON, hasControlCharacters } from "../schemas/text";

export const TITLE_MAX_CHARACTERS = 255;
/** Largest text field the multipart parser keeps; anything longer arrives truncated and is refused. */
export const MAX_FIELD_BYTES = 64 * 1024;
/** Text fields a request may carry (title, description and a few the client adds on its own). */
export const MAX_FIELDS = 10;

/** The fields read, and whether each may span several lines (tabs and line breaks allowed). */
const KNOWN_FIELDS = new Map([
  ["title", { multiLine: false }],
  ["description", { multiLine: true }],
]);

export interface FormFieldPart {
  fieldname: string;
  value: unknown;
  valueTruncated: boolean;
}

/** Counts characters as PostgreSQL's varchar does (code points, not UTF-16 units). */
const characters = (text: string): number => [...text].length;

/**
 * The text fields of an upload form, validated as they arrive: they may come
 * before or after the file, so the service asks twice (before storing the
 * file, to fail fast, and once the form has ended). Unknown fields are ignored.
 */
export class UploadForm {
  readonly #values = new Map<string, string>();
  readonly #problems: FieldProblem[] = [];

  add(part: FormFieldPart): void {
    const name = part.fieldname;
    const field = KNOWN_FIELDS.get(name);
    if (!field) return;
    if (this.#values.has(name) || this.#problems.some((problem) => problem.field === name)) {
      this.#problems.push({ field: name, reason: "must be sent only once" });
    } else if (typeof part.value !== "string") {
      this.#problems.push({ field: name, reason: "must be text" });
    } else if (part.valueTruncated) {
      this.#problems.push({ field: name, reason: `must be at most ${MAX_FIELD_BYTES} bytes` });
    } else if (hasControlCharacters(part.value, field.multiLine)) {
      this.#problems.push({ field: name, reason: CONTROL_CHARACTERS_REASON });
    } else {
      this.#values.set(name, part.value);
    }
  }

  /** Problems with the fields received so far. */
  problems(): FieldProblem[] {
    const problems = [...this.#problems];
    const title = this.#values.get("title");
    if (title !== undefined) {
      const length = characters(title.trim());
      if (length === 0) problems.push({ field: "title", reason: "must not be empty" });
      else if (length > TITLE_MAX_CHARACTERS) {
        problems.push({ field: "title", reason: `must be at most ${TITLE_MAX_CHARACTERS} characters` });
      }
    }
    return problems;
  }

  /** Problems of the complete form: also what is still missing. */
  finalProblems(fileReceived: boolean): FieldProblem[] {
    const problems = this.problems();
    if (!fileReceived) problems.unshift({ field: "file", reason: "is required" });
    if (!this.#values.has("title") && !problems.some((problem) => problem.field === "title")) {
      problems.push({ field: "title", reason: "is required" });
    }
    return problems;
  }

  /** The title, trimmed; only meaningful once `problems()` is empty. */
  get title(): string | undefined {
    return this.#values.get("title")?.trim();
  }

  /** The description as sent; an empty one is stored as none. */
  get description(): string | null {
    return this.#values.get("description") || null;
  }
}
