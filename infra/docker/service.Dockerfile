# One recipe for every service, in two stages:
#   docker build --build-arg SERVICE=intake -f infra/docker/service.Dockerfile .
# build:   every dependency, protos generated, the whole repo type-checked, packages compiled to dist/,
#          then dev dependencies pruned;
# runtime: production dependencies and compiled output only, `node services/<name>/dist/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json nx.json ./
COPY libs libs
COPY apps apps
COPY services services
COPY proto proto
COPY infra/bin infra/bin
COPY test test
COPY bench bench
# `npm install`, not `npm ci`: the lock file lists only the Linux x64 builds of per-platform
# packages (see the README), which is what this image is.
RUN npm install --no-audit --no-fund \
 && node infra/bin/gen-proto.mjs \
 && npx tsc -p tsconfig.json --noEmit \
 && npx nx run-many -t build --outputStyle=static --skip-nx-cache \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf libs/*/src apps/*/src services/*/src test bench proto .nx

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/libs libs
COPY --from=build /app/apps apps
COPY --from=build /app/services services
ARG SERVICE
ENV SERVICE=${SERVICE}
USER node
CMD ["sh", "-c", "exec node --enable-source-maps services/${SERVICE}/dist/main.js"]
