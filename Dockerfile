# Shopkeeper: one image for both process types (see Procfile). Node 22 LTS.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=build /app /app
USER node
# 3000: web; 3100: the operators' process (npm run ops), published only on a private network.
EXPOSE 3000 3100
# web by default; run the worker with: docker run … npm run worker (and the ops process with npm run ops)
CMD ["npm", "run", "start"]
