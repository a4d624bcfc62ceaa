# syntax=docker/dockerfile:1
#
# kvsync's container image. Node.js 24 runs the TypeScript sources directly (type stripping),
# so there is no build step: the first stage installs the production dependencies, the second
# copies them with bin/, src/ and package*.json onto a slim Node 24 runtime and runs as a
# non-root user. The `node` devDependency (Node 24 for development machines) is not installed:
# the image's own node is the runtime.
#
#   docker build -t kvsync:0.1.0 .            (docs/install.md: building and pushing to ACR)

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` rather than `npm ci`: the lock file lacks a Windows-only optional dependency of
# a dev tool, which makes `npm ci` refuse it (see .ci/run). The lock's versions are honoured.
# No install scripts: no production dependency needs one.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="kvsync" \
      org.opencontainers.image.description="Keeps Kubernetes Secrets in step with Azure Key Vault (ESO-compatible)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
ENV NODE_ENV=production
# The runtime needs node only: npm and corepack are removed from the image.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin/ ./bin/
COPY src/ ./src/
# A numeric user and group (the distroless "nonroot" ids): runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "bin/kvsync.js", "run"]
