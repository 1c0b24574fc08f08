// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

// The layering of docs/architecture.md, enforced: arrows only point down the table.
const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const folder = (name) => ({
  group: [`**/${name}/**`, `**/${name}`],
  message: `layering: ${name}/ is not reachable from here (docs/architecture.md)`,
});
const noElectron = { name: 'electron', message: 'layering: only electron/ imports electron' };
const noNode = nodeModules.map((name) => ({
  name,
  message: 'layering: this layer is browser-safe',
}));
const layer = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

const noIpcRenderer = {
  selector: "Identifier[name='ipcRenderer']",
  message: 'use the MessagePort transport, never ipcRenderer',
};
const viaWrappers = 'call libvirt through the wrappers of core/libvirt (logged in one place)';
const noRawLibvirt = [
  // A procedure called by name: `anything.call('domainLookupByUuid', ...)`.
  {
    selector: "CallExpression[callee.property.name='call'] > Literal.arguments:first-child",
    message: viaWrappers,
  },
  // The client's own methods, by the names clients go by.
  {
    selector: 'MemberExpression[property.name=/^(call|openStream)$/][object.name=/client$/i]',
    message: viaWrappers,
  },
  {
    selector:
      'MemberExpression[property.name=/^(call|openStream)$/][object.property.name=/client$/i]',
    message: viaWrappers,
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.vite/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(['api/**'], {
    paths: [noElectron, ...noNode, { name: 'ssh2', message: 'layering: api/ is browser-safe' }],
    patterns: [
      folder('native'),
      folder('core'),
      folder('electron'),
      folder('server'),
      folder('renderer'),
    ],
  }),
  layer(['native/**'], {
    paths: [noElectron],
    patterns: [
      folder('api'),
      folder('core'),
      folder('electron'),
      folder('server'),
      folder('renderer'),
    ],
  }),
  layer(['core/**'], {
    paths: [noElectron],
    patterns: [folder('electron'), folder('server'), folder('renderer')],
  }),
  layer(['electron/**'], {
    patterns: [folder('server'), folder('renderer'), folder('native')],
  }),
  layer(['server/**'], {
    paths: [noElectron],
    patterns: [folder('electron'), folder('renderer'), folder('native')],
  }),
  layer(['renderer/**/*.{ts,tsx}'], {
    paths: [
      noElectron,
      ...noNode,
      { name: 'ssh2', message: 'layering: the renderer talks only through api/' },
    ],
    patterns: [folder('native'), folder('core'), folder('electron'), folder('server')],
  }),
  // GitHub Desktop's rule: no raw ipcMain/ipcRenderer anywhere; the preload hands over one MessagePort.
  { files: ['**/*.{ts,tsx}'], rules: { 'no-restricted-syntax': ['error', noIpcRenderer] } },
  // Every libvirt request of the application goes through core/libvirt's logged wrappers.
  {
    files: ['core/**/*.ts', 'server/**/*.ts', 'electron/**/*.ts'],
    ignores: ['core/libvirt/**'],
    rules: { 'no-restricted-syntax': ['error', noIpcRenderer, ...noRawLibvirt] },
  },
  // The one exception: the preload receives the API port from main over ipcRenderer.on.
  { files: ['electron/preload.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  prettier,
);
