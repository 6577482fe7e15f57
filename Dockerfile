# One image for the three Node processes (api, worker, simulator);
# docker-compose.yml picks the command for each. Build alone with:
#   docker build -t shop-ops-app .
#
# Stage 1 compiles TypeScript with the dev dependencies; stage 2 keeps only the
# runtime dependencies, dist/ and the SQL migrations.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lockfile may lack other platforms' optional
# binaries, which makes `npm ci` fail; `npm install` leaves the lockfile as is.
RUN npm install --no-audit --no-fund
# Sources (.dockerignore keeps node_modules, dist, .data, .tools and .git out).
COPY . .
RUN npm run build

FROM node:20-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# tsc does not copy SQL: the migrator finds db/migrations from dist/db/.
COPY --from=build /app/db/migrations ./db/migrations
# nor the console's script and styles: served from console/assets, found from dist/console/.
COPY --from=build /app/console/assets ./console/assets
USER node
EXPOSE 3000 4000
CMD ["node", "--enable-source-maps", "dist/api/main.js"]
