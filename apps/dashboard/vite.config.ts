import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The dashboard: built into dist/dashboard (served by the API at /), everything bundled (no CDN).
export default defineConfig({
  root: __dirname,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: resolve(__dirname, '../../dist/dashboard'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
