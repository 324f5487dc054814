# The llm-teams command line for a node of a team (docker-compose.yml, docs/deployment.md).
# The image runs the repository's TypeScript sources through tsx (the bin's checkout mode,
# docs/packages.md), so it keeps the dev dependencies.
FROM node:20-slim

WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/broker/package.json packages/broker/
COPY packages/runtime/package.json packages/runtime/
COPY packages/agents/package.json packages/agents/
COPY packages/lab/package.json packages/lab/
# The `llm-teams` bin npm links must exist when it links it.
COPY packages/lab/bin/ packages/lab/bin/
RUN npm ci --include=dev --ignore-scripts && npm cache clean --force

COPY tsconfig.json ./
COPY packages/ packages/
RUN mkdir -p /app/runs && chown node:node /app/runs

# Nodes need no nats-server of their own: they join the cluster given with --nats.
USER node
ENTRYPOINT ["npx", "--no-install", "llm-teams"]
CMD ["--help"]
