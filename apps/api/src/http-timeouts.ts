/** How long the API waits for a client; see also `HANDLER_TIMEOUT_MS` for how long a client waits for it. */

/** A connection on which no byte moves for this long is closed (slow or stalled clients, uploads included). */
export const CONNECTION_IDLE_TIMEOUT_MS = 60_000;
/** The whole request must arrive within this: a 500 MB upload at about 1.2 Mbit/s. */
export const REQUEST_TIMEOUT_MS = 60 * 60_000;
/** Its headers within this. */
export const HEADERS_TIMEOUT_MS = 15_000;
/** An upload's handler reads the body, so it may take as long as the body may take to arrive, and then store it. */
export const UPLOAD_HANDLER_TIMEOUT_MS = REQUEST_TIMEOUT_MS + 5 * 60_000;
