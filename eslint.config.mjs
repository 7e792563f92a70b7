import tseslint from 'typescript-eslint';
import { configs as n8nCommunityNodes } from '@n8n/eslint-plugin-community-nodes';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', '*.js', '*.mjs'] },
	...tseslint.configs.recommended,
	// n8n's community-node rules apply to what ships: nodes, credentials and package.json.
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodes.recommended,
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		rules: { '@typescript-eslint/no-unused-expressions': 'off' },
	},
	// Tests and dev tooling poke at untyped JSON from n8n's and Okta's APIs.
	{
		files: ['test/**/*.ts', 'scripts/**/*.ts', 'devkit/**/*.ts', 'bench/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' },
	},
);
