/** The slice of a pino logger this package uses. */
export interface StorageLogger {
  warn(obj: object, msg: string): void;
}

export const silentLogger: StorageLogger = { warn() {} };
