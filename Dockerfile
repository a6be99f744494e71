# syntax=docker/dockerfile:1
# Gavel: one image holding the API (run from its .ts sources by Node's type stripping) and the
# built web app it serves. See docs/deployment.md.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: install everything, build the SPA, then drop dev dependencies -------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first, so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
COPY api/package.json api/
COPY api/verify-bundle/package.json api/verify-bundle/
COPY web/package.json web/
# argon2 loads a prebuilt binary and embedded-postgres ships its binaries in the package, so no
# compiler toolchain is needed; their install scripts are approved in package.json allowScripts.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY . .
# The image runs Gavel, not its tests: no test files, test helpers, fixtures, benchmarks or development scripts.
RUN npm run build -w web \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf api/test api/bench api/scripts \
 && find api/src -name '*.test.ts' -delete

# --- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

# Application files stay owned by root: the `node` user can read them but not change them.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/api ./api
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/web/package.json ./web/package.json
COPY --from=build /app/web/build ./web/build

# DATA_DIR: the generated session secret, embedded PostgreSQL when DATABASE_URL is unset, files.
# A named volume mounted here starts with this directory's owner, so `node` can write to it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

USER node
EXPOSE 3000

# No curl in the slim image; Node's fetch does the probe. 503 (database unreachable) fails it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# Migrates the database, then listens (same as `npm start`, without npm in between for signals).
# A young generation of 16 MiB a semi-space (V8 chooses 64 on a large machine): each minor collection
# then pauses the server for less (docs/performance.md, "The young generation").
CMD ["node", "--max-semi-space-size=16", "api/src/server.ts"]
