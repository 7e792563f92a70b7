/**
 * Throwaway PostgreSQL 15 and Redis servers on loopback for the settings sections of `npm run
 * bench` (bench/settings.ts): each in a fresh temporary folder, on a free port, stopped (and its
 * folder removed) by stop(), and killed when this process exits whatever happened.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { findOnPath } from '../devkit/executables';
import { freePort } from '../devkit/n8n/runtime';
import { killGroup, killOnExit } from '../devkit/n8n/processGroups';

/** Debian keeps PostgreSQL's server binaries off PATH; its pg_config (on PATH) says where. */
const pgBin = () => execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
const REDIS_SERVER = 'redis-server';

export interface Service {
	port: number;
	stop(): Promise<void>;
}

/** Starts `command` in its own process group and resolves once its output matches `ready`. */
async function startServer(
	name: string,
	command: string,
	args: string[],
	ready: RegExp,
	options: { uid?: number; gid?: number; logFile: string },
) {
	const child = spawn(command, args, {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		uid: options.uid,
		gid: options.gid,
	});
	killOnExit(child);
	const logStream = fs.createWriteStream(options.logFile, { flags: 'a' });
	let output = '';
	const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${name} did not start within 30 s; see ${options.logFile}`)),
			30_000,
		);
		const onData = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			logStream.write(chunk);
			if (ready.test(output)) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			reject(
				new Error(`${name} exited during startup (${code ?? signal}); see ${options.logFile}`),
			);
		});
	}).catch(async (error) => {
		killGroup(child, 'SIGKILL');
		await exited;
		throw error;
	});
	/** SIGINT is PostgreSQL's fast shutdown and Redis' normal one; SIGKILL after 15 s. */
	const stop = async () => {
		killGroup(child, 'SIGINT');
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
		await exited;
		clearTimeout(timer);
		logStream.end();
	};
	return { child, stop };
}

export interface Postgres extends Service {
	/** n8n's environment for this database. */
	env: Record<string, string>;
}

/**
 * PostgreSQL 15 run as the `postgres` user (it refuses to run as root) on a fresh cluster with
 * trust authentication on loopback, one database `n8n`. Server settings are the defaults.
 */
export async function startPostgres(logDir: string): Promise<Postgres> {
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
	fs.chownSync(dir, uid, gid);
	const dataDir = path.join(dir, 'data');
	const asPostgres = { uid, gid, stdio: 'pipe' as const, cwd: dir };
	execFileSync(
		path.join(pgBin(), 'initdb'),
		['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'],
		asPostgres,
	);
	const port = await freePort();
	let server: Awaited<ReturnType<typeof startServer>>;
	try {
		server = await startServer(
			'PostgreSQL',
			path.join(pgBin(), 'postgres'),
			['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dir],
			/database system is ready to accept connections/,
			{ uid, gid, logFile: path.join(logDir, 'bench-postgres.log') },
		);
		execFileSync(
			'psql',
			['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'CREATE DATABASE n8n'],
			{ stdio: 'pipe' },
		);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		port,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			// trust authentication: any password is accepted.
			DB_POSTGRESDB_PASSWORD: 'bench',
		},
		async stop() {
			await server.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Redis on loopback without persistence (queue mode's job queue only). */
export async function startRedis(logDir: string): Promise<Service> {
	const redisServer = findOnPath(REDIS_SERVER);
	if (!redisServer) throw new Error(`${REDIS_SERVER} is missing: apt-get install -y redis-server`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
	const port = await freePort();
	const server = await startServer(
		'Redis',
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		/Ready to accept connections/,
		{ logFile: path.join(logDir, 'bench-redis.log') },
	).catch((error) => {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	});
	return {
		port,
		async stop() {
			await server.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
