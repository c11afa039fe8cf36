# syntax=docker/dockerfile:1
# Learning Hub worker image. Build context: the repository root
#   docker build -f infra/docker/worker.Dockerfile -t learning-hub-worker .

# ---- build: install the workspace, bundle the worker, deploy its production dependencies
FROM node:24.21.0-bookworm-slim AS build
# npm, not corepack: corepack's signature check of pnpm fails on some networks.
RUN npm install -g pnpm@10.34.9 && pnpm config set store-dir /pnpm/store
ENV CI=true
WORKDIR /repo

# Download every package of the lockfile into the store; this layer only changes with the lockfile.
# The store is a BuildKit cache mount: kept between builds (a changed lockfile downloads only what is
# new), never part of an image layer, so every step that reads it mounts it.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch

COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
  pnpm install --offline --frozen-lockfile --filter "@learning-hub/worker..."
# tsup inlines the workspace packages into dist/main.js and copies the migrations to apps/worker/drizzle.
RUN pnpm --filter @learning-hub/worker build
# --legacy: pnpm 10 otherwise insists on inject-workspace-packages. The app's package.json declares every
# npm package the bundle imports, those of the inlined workspace packages included (infra/test checks it).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
  pnpm --filter @learning-hub/worker deploy --legacy --prod --offline /out

# ---- runtime: Node, ffmpeg, poppler, a CJK font, LibreOffice, the bundle, the migrations and production node_modules
FROM node:24.21.0-bookworm-slim AS runtime
# ffmpeg renders video frames; poppler's pdftoppm renders PDF pages (poppler-data: CJK encodings), and PDFs in
# Chinese, Japanese or Korean that do not embed their fonts need a CJK font, found through fontconfig;
# tini reaps ffmpeg children and forwards signals, so SIGTERM reaches the graceful shutdown.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg poppler-utils poppler-data fontconfig fonts-wqy-microhei tini \
    libreoffice-core-nogui libreoffice-writer-nogui libreoffice-impress-nogui \
  && rm -rf /var/lib/apt/lists/*
# OCI annotations: what the image is, for registries, scanners and `docker inspect`.
ARG VERSION=1.0.0
LABEL org.opencontainers.image.title="Learning Hub worker" \
  org.opencontainers.image.description="Background jobs of Learning Hub: thumbnails and page previews (ffmpeg, poppler), cleanups, the scheduled cleanup" \
  org.opencontainers.image.version="$VERSION" \
  org.opencontainers.image.vendor="Learning Hub" \
  org.opencontainers.image.base.name="docker.io/library/node"
ENV NODE_ENV=production WORKER_METRICS_PORT=9465
WORKDIR /app
# Root-owned and read-only for the `node` user that runs the process.
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /repo/apps/worker/dist ./dist
COPY --from=build /repo/apps/worker/drizzle ./drizzle
USER node
EXPOSE 9465
# The worker serves no API; its liveness answer is `/health` on the metrics port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.WORKER_METRICS_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
