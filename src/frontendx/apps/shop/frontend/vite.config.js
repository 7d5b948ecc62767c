import { readFileSync } from 'node:fs'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// Compile-time switches: every constant named in toggles.json is replaced by a literal.
// scripts/build_frontend.py passes the ones to turn on in FRONTENDX_DEFINES (a JSON object).
const names = Object.values(JSON.parse(readFileSync(new URL('./toggles.json', import.meta.url))))
const on = JSON.parse(process.env.FRONTENDX_DEFINES || '{}')
const define = Object.fromEntries(names.map((name) => [name, JSON.stringify(Boolean(on[name]))]))

export default defineConfig({
  base: '/',
  plugins: [react()],
  define,
  build: {
    outDir: process.env.FRONTENDX_OUT_DIR || 'build',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: {
        // every npm dependency in one chunk that is identical in every build, so the builds
        // share it byte for byte (scripts/build_frontend.py stores it once, in dist/shared/)
        codeSplitting: {
          groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/ }],
        },
      },
    },
  },
})
