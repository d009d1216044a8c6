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
# Reachable through `-p 8080:8080`, so it listens on every address; with no API_KEYS given, the first
# start makes an `admin` key, prints it once and keeps only its sha256 in /data (API_KEYS_AUTO).
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0 PORT=8080 API_KEYS_AUTO=true
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
# GET /healthz for the roles that serve HTTP; the others have no HTTP to ask (see bin/healthcheck.ts).
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "--import", "tsx", "bin/healthcheck.ts"]
ENTRYPOINT ["tini", "--", "node", "--import", "tsx", "bin/main.ts"]
CMD ["all"]
