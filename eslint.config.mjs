// Type-checked typescript-eslint rules over all project TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Example user-defined programs (plain JavaScript, outside the TypeScript project) are linted too, without types.
  { ignores: ['node_modules/**', 'dist/**', '**/*.mjs', '**/*.js', '!examples/**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': 'off',
    },
  },
  { files: ['examples/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
