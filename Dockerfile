# One image for every role: `docker run IMAGE api|renderer|discord|telegram|all`.
# `docker build .` makes the CPU image; `docker build --build-arg RUNTIME=cuda .` the CUDA image
# (CUDA 12 + cuDNN 9 base, ONNX Runtime's CUDA 12 files; run it with `--gpus all` and
# ORT_PROVIDERS=cuda,cpu). Stage 1 installs production dependencies; the last is the non-root runtime.
ARG RUNTIME=cpu
ARG CUDA_BASE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

FROM node:20-bookworm-slim AS deps
ARG RUNTIME
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc skips ONNX Runtime's CUDA files; the variable wins over it for the CUDA image.
RUN if [ "$RUNTIME" = "cuda" ]; then export ONNXRUNTIME_NODE_INSTALL=cuda12; fi \
  && npm ci --omit=dev --no-audit --no-fund

# redis-server serves the embedded default when REDIS_URL is unset (role `all`).
FROM node:20-bookworm-slim AS base-cpu
RUN apt-get update \
  && apt-get install -y --no-install-recommends redis-server tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*

# The same Node.js as the CPU image, on NVIDIA's CUDA 12 + cuDNN 9 runtime.
FROM ${CUDA_BASE} AS base-cuda
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
RUN apt-get update \
  && apt-get install -y --no-install-recommends redis-server tini ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && (id -u node >/dev/null 2>&1 || useradd --create-home --shell /bin/sh node)

FROM base-${RUNTIME} AS runtime
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
# Made here so that named volumes mounted on them (compose) start out owned by the node user.
RUN mkdir -p /data/artifacts /data/onnx-cache /models && chown -R node:node /data /models
USER node
VOLUME ["/data"]
EXPOSE 8080
# GET /healthz for the roles that serve HTTP, a renderer's heartbeat in Redis for a renderer; the bots
# have no HTTP to ask (see bin/healthcheck.ts).
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "--import", "tsx", "bin/healthcheck.ts"]
ENTRYPOINT ["tini", "--", "node", "--import", "tsx", "bin/main.ts"]
CMD ["all"]
