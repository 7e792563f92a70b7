import { execFile } from 'child_process';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../../../devkit/paths';
import { getTestPki, isUsable } from '../../../devkit/okta-sandbox/pki';

let tmp: string;
beforeEach(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-sandbox-pki-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('getTestPki', () => {
	it('makes a CA and a server certificate for localhost, 127.0.0.1 and ::1 signed by it', () => {
		const dir = path.join(tmp, 'pki');
		const pki = getTestPki(dir);
		expect(pki.caCertPath).toBe(path.join(dir, 'ca.crt'));
		expect(fs.readFileSync(pki.serverKeyPath, 'utf8')).toBe(pki.serverKeyPem);
		const ca = new X509Certificate(pki.caCertPem);
		const server = new X509Certificate(pki.serverCertPem);
		expect(ca.ca).toBe(true);
		expect(server.ca).toBe(false);
		expect(server.checkIssued(ca)).toBe(true);
		expect(server.verify(ca.publicKey)).toBe(true);
		expect(server.subjectAltName).toBe(
			'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
		);
		expect(server.checkHost('localhost')).toBe('localhost');
		expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
		expect((fs.statSync(pki.serverKeyPath).mode & 0o077) === 0).toBe(true);
	});

	it('is cached: a second call returns the same certificates', () => {
		const dir = path.join(tmp, 'pki');
		const a = getTestPki(dir);
		const b = getTestPki(dir);
		expect(b.caCertPem).toBe(a.caCertPem);
		expect(b.serverCertPem).toBe(a.serverCertPem);
	});

	it('regenerates when files are missing or corrupt, and treats soon-expiring sets as unusable', () => {
		const dir = path.join(tmp, 'pki');
		const a = getTestPki(dir);
		expect(isUsable(dir)).toBe(true);
		// The server certificate lasts 825 days: in 900 days the set is stale.
		expect(isUsable(dir, Date.now() + 900 * 24 * 3600 * 1000)).toBe(false);
		fs.rmSync(a.serverCertPath);
		const b = getTestPki(dir);
		expect(b.caCertPem).not.toBe(a.caCertPem);
		fs.writeFileSync(b.caCertPath, 'garbage');
		const c = getTestPki(dir);
		expect(c.caCertPem).toContain('BEGIN CERTIFICATE');
		expect(new X509Certificate(c.serverCertPem).checkIssued(new X509Certificate(c.caCertPem))).toBe(
			true,
		);
		expect(fs.readdirSync(tmp)).toEqual(['pki']);
	});

	it('is safe when several processes create it at once', async () => {
		const dir = path.join(tmp, 'pki');
		const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
		const script = `const { getTestPki } = require(${JSON.stringify(path.join(REPO_ROOT, 'devkit/okta-sandbox/pki.ts'))}); const p = getTestPki(${JSON.stringify(dir)}); console.log(JSON.stringify({ ca: p.caCertPem, cert: p.serverCertPem }));`;
		const run = () =>
			new Promise<{ ca: string; cert: string }>((resolve, reject) =>
				execFile(tsx, ['-e', script], { timeout: 30000 }, (err, stdout, stderr) =>
					err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
				),
			);
		const results = await Promise.all([run(), run(), run(), run()]);
		const onDisk = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
		for (const r of results) {
			expect(r.ca).toBe(onDisk);
			expect(new X509Certificate(r.cert).checkIssued(new X509Certificate(r.ca))).toBe(true);
		}
		expect(fs.readdirSync(tmp)).toEqual(['pki']);
		expect(fs.readdirSync(dir).sort()).toEqual(['ca.crt', 'ca.key', 'server.crt', 'server.key']);
	});

	it('serves HTTPS that a client trusting only the CA accepts, by name and by IP', async () => {
		const pki = getTestPki(path.join(tmp, 'pki'));
		const server = https.createServer(
			{ key: pki.serverKeyPem, cert: pki.serverCertPem },
			(_req, res) => res.end('ok'),
		);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as { port: number }).port;
		const get = (host: string) =>
			new Promise<string>((resolve, reject) =>
				https
					.get(
						{
							host: '127.0.0.1',
							servername: host === '127.0.0.1' ? undefined : host,
							port,
							ca: pki.caCertPem,
							agent: false,
							headers: { host },
						},
						(res) => {
							let body = '';
							res.on('data', (c) => (body += c));
							res.on('end', () => resolve(body));
						},
					)
					.on('error', reject),
			);
		try {
			await expect(get('localhost')).resolves.toBe('ok');
			await expect(get('127.0.0.1')).resolves.toBe('ok');
			// A client without the CA refuses the certificate.
			await expect(
				new Promise((resolve, reject) =>
					https.get({ host: '127.0.0.1', port, agent: false }, resolve).on('error', reject),
				),
			).rejects.toThrow(/self.signed|unable to verify|local issuer/i);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
