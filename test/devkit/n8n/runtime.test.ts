import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CACHE_DIR, NODE24_VERSION, sqliteBinding } from '../../../devkit/n8n/runtime';

/** An n8n install folder holding only a sqlite3 package of the given version. */
function installWithSqlite(version: string): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-install-'));
	const sqlite3 = path.join(root, 'node_modules', 'sqlite3');
	fs.mkdirSync(sqlite3, { recursive: true });
	fs.writeFileSync(path.join(sqlite3, 'package.json'), JSON.stringify({ version }));
	return root;
}

const bindingOf = (root: string) =>
	path.join(root, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');

describe("sqlite3's binding, shared by n8n releases that pin the same sqlite3", () => {
	const version = `0.0.0-test-${process.pid}-${Date.now()}`;
	const shared = path.join(CACHE_DIR, `sqlite3-${version}-node${NODE24_VERSION}`);
	afterAll(() => fs.rmSync(shared, { recursive: true, force: true }));

	it('is built by the first install and copied into the next', () => {
		const first = installWithSqlite(version);
		const second = installWithSqlite(version);
		let rebuilds = 0;
		const rebuild = (root: string) => () => {
			rebuilds += 1;
			fs.mkdirSync(path.dirname(bindingOf(root)), { recursive: true });
			fs.writeFileSync(bindingOf(root), 'compiled binding');
		};
		sqliteBinding(first, rebuild(first), () => undefined);
		sqliteBinding(second, rebuild(second), () => undefined);
		expect(rebuilds).toBe(1);
		expect(fs.readFileSync(bindingOf(second), 'utf8')).toBe('compiled binding');
		expect(fs.existsSync(`${shared}.lock`)).toBe(false);
	});

	it('is built again for another sqlite3 version', () => {
		const other = installWithSqlite(`${version}-other`);
		let rebuilds = 0;
		sqliteBinding(
			other,
			() => {
				rebuilds += 1;
				fs.mkdirSync(path.dirname(bindingOf(other)), { recursive: true });
				fs.writeFileSync(bindingOf(other), 'other');
			},
			() => undefined,
		);
		fs.rmSync(path.join(CACHE_DIR, `sqlite3-${version}-other-node${NODE24_VERSION}`), {
			recursive: true,
			force: true,
		});
		expect(rebuilds).toBe(1);
	});

	it('leaves no lock behind when the build fails', () => {
		const broken = installWithSqlite(`${version}-broken`);
		expect(() =>
			sqliteBinding(
				broken,
				() => {
					throw new Error('compiler failed');
				},
				() => undefined,
			),
		).toThrow('compiler failed');
		expect(
			fs.existsSync(path.join(CACHE_DIR, `sqlite3-${version}-broken-node${NODE24_VERSION}.lock`)),
		).toBe(false);
	});
});
