/**
 * Text that reaches a text column must not carry control characters: PostgreSQL
 * refuses NUL in text outright (the query would fail with a 500), and the other
 * C0/C1 controls and DEL are never meant in a name, a title or an id. Multi-line
 * text (descriptions) may hold tabs and line breaks.
 */
const SINGLE_LINE_CONTROLS = "\\u0000-\\u001F\\u007F-\\u009F";
const MULTI_LINE_CONTROLS = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F";

/** The reason given for a field with control characters. */
export const CONTROL_CHARACTERS_REASON = "must not contain control characters";

/** JSON-schema `pattern`s (for TypeBox strings) of text without control characters. */
export const SINGLE_LINE_TEXT_PATTERN = `^[^${SINGLE_LINE_CONTROLS}]*$`;
export const MULTI_LINE_TEXT_PATTERN = `^[^${MULTI_LINE_CONTROLS}]*$`;
/** One line with at least one visible character (a name of blanks is no name). */
export const NAME_PATTERN = `^[^${SINGLE_LINE_CONTROLS}]*[^\\s${SINGLE_LINE_CONTROLS}][^${SINGLE_LINE_CONTROLS}]*$`;

const PATTERN_REASONS = new Map<unknown, string>([
  [SINGLE_LINE_TEXT_PATTERN, CONTROL_CHARACTERS_REASON],
  [MULTI_LINE_TEXT_PATTERN, CONTROL_CHARACTERS_REASON],
  [NAME_PATTERN, "must have a visible character and no control characters"],
]);

/** What a value that breaks one of these patterns is told (Ajv would print the whole character class). */
export const textPatternReason = (pattern: unknown): string | undefined => PATTERN_REASONS.get(pattern);

const singleLineControl = new RegExp(`[${SINGLE_LINE_CONTROLS}]`, "u");
const multiLineControl = new RegExp(`[${MULTI_LINE_CONTROLS}]`, "u");

export const hasControlCharacters = (text: string, multiLine = false): boolean =>
  (multiLine ? multiLineControl : singleLineControl).test(text);
