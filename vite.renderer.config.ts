import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './core/security/meta-content-security-policy';

/** Puts the CSP into index.html as well, so it holds even where no header can be set (file://). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'corral-csp',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// The renderer is built without @vitejs/plugin-react: its Fast Refresh preamble is an inline
// script, which the strict CSP forbids. Vite compiles TSX with the automatic JSX runtime itself.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [contentSecurityPolicy()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
  },
});
