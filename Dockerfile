# contest-intake: the worker that reads the 最美in温州 contest mailbox.
# Build:  docker build -t contest-intake .            (add --build-arg WITH_LIBREOFFICE=false for a smaller image
#                                                      that reports .doc/.wps/.xls forms as unsupported_format)
# Run:    see README.md, "Operations".

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci
COPY src ./src
# The image runs compiled JavaScript: no TypeScript loader in the worker's memory.
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ARG WITH_LIBREOFFICE=true
RUN if [ "$WITH_LIBREOFFICE" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends \
        libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk && \
      rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 contest \
 && useradd --system --uid 10001 --gid contest --home-dir /data --no-create-home contest \
 && mkdir -p /data && chown contest:contest /data && chmod 0700 /data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY config ./config
COPY fixtures/demo-mailbox ./fixtures/demo-mailbox
ENV NODE_ENV=production DATA_DIR=/data CONFIG_DIR=/app/config DEMO_MAILBOX=/app/fixtures/demo-mailbox WEB_HOST=0.0.0.0 WEB_PORT=8080
VOLUME ["/data"]
# The organizers' console (run serves it because WEB_PORT is set). Publish it on the host's loopback only, behind
# nginx with TLS: docker run -p 127.0.0.1:8080:8080 … (README, "The organizers' console").
EXPOSE 8080
USER contest
# Healthy while the last good poll is recent (STALE_AFTER_MINUTES) and the login works.
HEALTHCHECK --interval=5m --timeout=30s --start-period=2m --retries=2 \
  CMD ["/app/bin/contest-intake.js", "status"]
# Executed, not passed to node: its first line carries the node flags that bound the worker's memory.
ENTRYPOINT ["/app/bin/contest-intake.js"]
CMD ["run"]
