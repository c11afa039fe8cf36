# syntax=docker/dockerfile:1
# Learning Hub API image. Build context: the repository root
#   docker build -f infra/docker/api.Dockerfile -t learning-hub-api .

# ---- build: install the workspace, bundle the app, deploy its production dependencies
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
  pnpm install --offline --frozen-lockfile --filter "@learning-hub/api..."
# tsup inlines the workspace packages into dist/main.js (and the admin command into dist/user-admin.js)
# and copies the migrations to apps/api/drizzle.
RUN pnpm --filter @learning-hub/api build
# --legacy: pnpm 10 otherwise insists on inject-workspace-packages. The app's package.json declares every
# npm package the bundle imports, those of the inlined workspace packages included (infra/test checks it).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
  pnpm --filter @learning-hub/api deploy --legacy --prod --offline /out

# ---- runtime: Node, the bundle, the migrations and production node_modules; nothing else
FROM node:24.21.0-bookworm-slim AS runtime
# tini reaps children and forwards signals, so SIGTERM reaches the graceful shutdown.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
# OCI annotations: what the image is, for registries, scanners and `docker inspect`.
ARG VERSION=1.0.0
LABEL org.opencontainers.image.title="Learning Hub API" \
  org.opencontainers.image.description="REST API of Learning Hub: course materials (videos and PDFs), auth, admin" \
  org.opencontainers.image.version="$VERSION" \
  org.opencontainers.image.vendor="Learning Hub" \
  org.opencontainers.image.base.name="docker.io/library/node"
ENV NODE_ENV=production PORT=8000
WORKDIR /app
# Root-owned and read-only for the `node` user that runs the process.
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /repo/apps/api/dist ./dist
COPY --from=build /repo/apps/api/drizzle ./drizzle
USER node
EXPOSE 8000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Operators grant the admin role from inside: `docker compose exec api node dist/user-admin.js <email>`
# (Kubernetes: `kubectl exec deploy/learning-hub-api -- node dist/user-admin.js <email>`).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
