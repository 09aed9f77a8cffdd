# ARO's image: the compiled API, worker, operator CLI and migration runner (one image, the command
# picks which), with the clinic web app when the tree has one. Node 24, the current LTS.
# Build stage: every dependency, the Prisma client, the TypeScript of the running code only
# (tsconfig.build.json: no tests, benchmarks, dev scripts or toolchain) and the web bundle.
# Untested here: the development machines pull no images (test/deployment-files.test.ts checks what
# can be checked without Docker).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: the lockfile lacks optional platform packages the registry did not
# offer where it was written, and `npm ci` rejects it for that (see scripts/bootstrap.js).
RUN npm install --no-audit --no-fund
COPY . .
RUN node node_modules/prisma/build/index.js generate \
 && node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && if [ -f web/vite.config.mts ]; then \
      cd web \
      && node ../node_modules/@graphql-codegen/cli/esm/bin.js --config codegen.ts --silent \
      && node ../node_modules/vite/bin/vite.js build --config vite.config.mts --logLevel warn; \
    fi
RUN npm prune --omit=dev --no-audit --no-fund

# Final stage: what runs, as the unprivileged `node` user; no sources, tests, benchmarks or compilers.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The migration runner reads prisma/migrations at run time.
COPY --from=build --chown=root:root /app/prisma/migrations ./prisma/migrations
USER node
EXPOSE 3000 3001
CMD ["node", "dist/src/api/main.js"]
