# Signpost: `docker build -t signpost .` then `docker compose up` (compose.yaml) for Redis, Signpost and a
# mail catcher. Node 20 slim, built in one stage, run from a pruned copy as a non-root user. The base is
# pinned to an exact Node release (engines: >=20.19); raise it on purpose.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
RUN npm ci && npm prune --omit=dev

FROM ${NODE_IMAGE}
# Two malloc arenas, not glibc's eight a core: a worker polling all day otherwise creeps (README, Memory).
ENV NODE_ENV=production PORT=8080 SIGNPOST_CONFIG=/app/config MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--min-semi-space-size=16", "dist/jobs/main.js", "start"]
