import * as fs from 'node:fs';
import * as path from 'node:path';

/** The first executable called `name` on PATH, or undefined: no tool is assumed to live at a fixed path. */
export function findOnPath(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}
