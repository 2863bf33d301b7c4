import { defineConfig } from 'vite';

// The dashboard lives in web/; the hub serves the built files from dist/web.
export default defineConfig({
  root: 'web',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022' },
  server: {
    // `npm run dev:web` proxies the hub's API and socket so the dashboard can be edited live.
    proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
