import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // The engine runs headless (CLI, worker thread): it must never depend on the editor API.
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not import vscode' }] }],
    },
  },
  {
    files: ['src/model/**/*.ts', 'src/vscode/ids.ts'],
    rules: {
      // The front end's state and names are unit tested in plain Node: no editor API there either.
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/model and src/vscode/ids.ts must not import vscode' }] }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
