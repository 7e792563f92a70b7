import { MATRIX_N8N, NEWEST_N8N, OLDEST_N8N } from '../../devkit/n8n/compat';
import { SUPPORTED_N8N } from '../../nodes/n8n/compatibility';
import { matrixTable, readmeTable } from '../../scripts/compat';
import packageJson from '../../package.json';

describe('the compatibility table', () => {
	it("is the README's, as the matrix run wrote it (docs/compat.json)", () => {
		expect(readmeTable()).toBe(matrixTable());
	});

	it('has both ends of the supported range passing every suite it ran', () => {
		for (const end of [OLDEST_N8N, NEWEST_N8N]) {
			const row = matrixTable()
				.split('\n')
				.find((line) => line.startsWith(`| ${end} |`));
			expect(row).toBeDefined();
			expect(row).not.toContain('❌');
		}
	});

	it('declares the range the code declares, and no narrower peer range', () => {
		expect([OLDEST_N8N, NEWEST_N8N]).toEqual([SUPPORTED_N8N.oldest, SUPPORTED_N8N.newest]);
		expect(MATRIX_N8N).toEqual(expect.arrayContaining([OLDEST_N8N, NEWEST_N8N]));
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});
});
