import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard lives in web/; the hub serves the built files from dist/web.
export default defineConfig({
  root: 'web',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // Two pages: the dashboard, and the phone's sensor page (/sensor, docs/sensors.md).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        sensor: fileURLToPath(new URL('./web/sensor.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev:web` proxies the hub's API and socket so the dashboard can be edited live.
    proxy: { '/api': 'http://127.0.0.1:8080', '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
