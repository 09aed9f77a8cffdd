// Builds the clinic web app into dist/web, which the API serves at /app/ (src/api/web-app/).
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    // The app is served from ARO itself on the clinic's network: one small bundle, no source maps shipped.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
