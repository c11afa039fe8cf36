/** Lets anyone GET objects (the public URLs handed to clients) but not list or write. */
export function publicReadPolicy(bucket: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: ["*"] },
        Action: ["s3:GetObject"],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
    ],
  };
}
