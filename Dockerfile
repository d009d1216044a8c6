# One image for every role: `docker run IMAGE api|renderer|discord|telegram|all`.
# Stage 1 installs production dependencies; stage 2 is the slim, non-root runtime.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# redis-server serves the embedded default when REDIS_URL is unset (role `all`).
RUN apt-get update \
  && apt-get install -y --no-install-recommends redis-server tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY core ./core
COPY queue ./queue
COPY renderer ./renderer
COPY models ./models
COPY bots ./bots
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["tini", "--", "node", "--import", "tsx", "bin/main.ts"]
CMD ["all"]
