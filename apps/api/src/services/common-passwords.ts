import { dictionary } from "@zxcvbn-ts/language-common";

/** How many of the most used passwords are refused. */
export const COMMON_PASSWORDS_REFUSED = 10_000;

/**
 * The most used passwords, most used first, from zxcvbn-ts's common list (built
 * from leaked password corpora and kept up to date with the package). All lower case.
 */
const commonPasswords = new Set(dictionary["passwords-common"].slice(0, COMMON_PASSWORDS_REFUSED));

/** True when the password, ignoring case, is among the most used ones: the first an attacker tries. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase());
}
