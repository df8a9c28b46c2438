# One image recipe for every service: `docker build --build-arg SERVICE=intake -f infra/docker/service.Dockerfile .`
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs libs
COPY services services
COPY proto proto
COPY infra/bin infra/bin
RUN npm ci --no-audit --no-fund && node infra/bin/gen-proto.mjs
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production
USER node
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
