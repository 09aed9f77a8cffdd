# ARO's image: the compiled API, worker and migration runner (one image, the command picks which).
# Untested here: the development machines have no Docker engine.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lockfile lacks optional platform packages the registry did not
# offer where it was written, and `npm ci` rejects it for that (see scripts/bootstrap.js).
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The migration runner reads prisma/migrations at run time.
COPY --from=build /app/prisma ./prisma
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
