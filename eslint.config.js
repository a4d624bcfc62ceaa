// Lint rules: typescript-eslint's recommended set, plus the few habits STYLE.md asks for.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.kvsync/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals: enums are not erasable.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    // Tests are not shipped: they may start the emulators in dev/ and set the environment.
    ignores: ['src/config/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config/ reads the environment.' },
        { object: 'process', property: 'argv', message: 'Only src/config/ reads argv.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/dev/**'], message: 'src/ never imports dev/.' }] },
      ],
    },
  },
);
