// s3rver ships no types; this covers the part the launcher uses.
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the buckets given in `configureBuckets`. */
    configureBuckets(): Promise<void>;
    /** The request handler of its Koa app. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
