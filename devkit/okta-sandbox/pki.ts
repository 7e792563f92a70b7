/**
 * A local certificate authority and one server certificate signed by it, for the sandbox's HTTPS
 * and for n8n's HTTPS in the e2e harness (which sets NODE_EXTRA_CA_CERTS=caCertPath).
 *
 * Made with the openssl CLI once and cached in `<repo>/.cache/pki/`. Generation happens in a
 * private temporary directory that is then renamed into place, so two processes calling this at
 * once never see half-written files: the loser of the rename race simply uses the winner's set.
 */
import { execFileSync } from 'child_process';
import { randomBytes, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TestPki {
	caCertPem: string;
	caCertPath: string;
	serverKeyPem: string;
	serverCertPem: string;
	serverKeyPath: string;
	serverCertPath: string;
}

import { REPO_ROOT } from '../paths';
export const DEFAULT_PKI_DIR = path.join(REPO_ROOT, '.cache', 'pki');

/** Regenerate when a certificate expires within this margin, so a long test run never straddles expiry. */
const EXPIRY_MARGIN_MS = 24 * 60 * 60 * 1000;

const FILES = {
	caKey: 'ca.key',
	caCert: 'ca.crt',
	serverKey: 'server.key',
	serverCert: 'server.crt',
};

const memo = new Map<string, TestPki>();

export function getTestPki(dir: string = DEFAULT_PKI_DIR): TestPki {
	const target = path.resolve(dir);
	const cached = memo.get(target);
	if (cached && isUsable(target)) return cached;

	if (!isUsable(target)) {
		const fresh = generate(path.dirname(target));
		installDir(fresh, target);
	}
	const pki = load(target);
	memo.set(target, pki);
	return pki;
}

function load(dir: string): TestPki {
	const p = (name: string) => path.join(dir, name);
	return {
		caCertPem: fs.readFileSync(p(FILES.caCert), 'utf8'),
		caCertPath: p(FILES.caCert),
		serverKeyPem: fs.readFileSync(p(FILES.serverKey), 'utf8'),
		serverCertPem: fs.readFileSync(p(FILES.serverCert), 'utf8'),
		serverKeyPath: p(FILES.serverKey),
		serverCertPath: p(FILES.serverCert),
	};
}

/** Present, unexpired (at `now`, with a margin), and the server certificate really is signed by this CA. */
export function isUsable(dir: string, now = Date.now()): boolean {
	try {
		const ca = new X509Certificate(fs.readFileSync(path.join(dir, FILES.caCert)));
		const server = new X509Certificate(fs.readFileSync(path.join(dir, FILES.serverCert)));
		fs.accessSync(path.join(dir, FILES.serverKey), fs.constants.R_OK);
		const limit = now + EXPIRY_MARGIN_MS;
		if (Date.parse(ca.validTo) < limit || Date.parse(server.validTo) < limit) return false;
		return server.checkIssued(ca) && server.verify(ca.publicKey);
	} catch {
		return false;
	}
}

function generate(parent: string): string {
	fs.mkdirSync(parent, { recursive: true });
	const tmp = fs.mkdtempSync(path.join(parent, `pki.tmp-${process.pid}-`));
	const p = (name: string) => path.join(tmp, name);
	const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

	run([
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-sha256',
		'-days',
		'3650',
		'-keyout',
		p(FILES.caKey),
		'-out',
		p(FILES.caCert),
		'-subj',
		'/CN=n8n-nodes-okta-mfa-preregistration test CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign,cRLSign',
	]);
	run([
		'req',
		'-new',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-sha256',
		'-keyout',
		p(FILES.serverKey),
		'-out',
		p('server.csr'),
		'-subj',
		'/CN=localhost',
	]);
	// 825 days: the longest validity some TLS clients (Apple) accept for a server certificate.
	fs.writeFileSync(
		p('server.ext'),
		[
			'basicConstraints=critical,CA:FALSE',
			'keyUsage=critical,digitalSignature,keyEncipherment',
			'extendedKeyUsage=serverAuth',
			'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
		].join(os.EOL) + os.EOL,
	);
	run([
		'x509',
		'-req',
		'-sha256',
		'-days',
		'825',
		'-in',
		p('server.csr'),
		'-CA',
		p(FILES.caCert),
		'-CAkey',
		p(FILES.caKey),
		'-set_serial',
		`0x${randomBytes(16).toString('hex')}`,
		'-extfile',
		p('server.ext'),
		'-out',
		p(FILES.serverCert),
	]);
	fs.rmSync(p('server.csr'));
	fs.rmSync(p('server.ext'));
	for (const name of Object.values(FILES)) fs.chmodSync(p(name), 0o600);
	fs.chmodSync(p(FILES.caCert), 0o644);
	fs.chmodSync(p(FILES.serverCert), 0o644);
	// mkdtemp makes the directory 0700; other local processes (n8n) must read the certificates.
	fs.chmodSync(tmp, 0o755);
	return tmp;
}

/** Atomically move a freshly generated directory to `target`, replacing a stale one if needed. */
function installDir(fresh: string, target: string): void {
	if (fs.existsSync(target) && !isUsable(target)) {
		const stale = `${target}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
		try {
			fs.renameSync(target, stale);
			fs.rmSync(stale, { recursive: true, force: true });
		} catch {
			// Another process moved it first; fine.
		}
	}
	try {
		fs.renameSync(fresh, target);
	} catch (error) {
		// Another process installed its set between our check and rename: use theirs.
		fs.rmSync(fresh, { recursive: true, force: true });
		if (!isUsable(target)) throw error;
	}
}
