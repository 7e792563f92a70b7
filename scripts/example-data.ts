/**
 * Writes the example workflows under examples/ from the project's own parts, all with one builder
 * (devkit/n8n/exampleWorkflow.ts). Keeps each file's sample delivery and maps it again, so a change
 * of a trigger's mapping or of a devkit node shows up here; `--new-event` makes a new sample. Name
 * files to write only those (default: every example).
 *   npx tsx scripts/example-data.ts [--new-event] [okta-user-welcome.workflow.json …]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import {
	EXAMPLES,
	buildExampleWorkflow,
	deliveryOf,
	readExample,
	type ExampleSpec,
} from '../devkit/n8n/exampleWorkflow';

async function write(spec: ExampleSpec, newEvent: boolean): Promise<void> {
	const keep = fs.existsSync(spec.file) && !newEvent;
	const delivery = keep ? deliveryOf(readExample(spec).pinned) : undefined;
	const text = JSON.stringify(buildExampleWorkflow(delivery, spec), null, '\t');
	const config = await resolveConfig(spec.file);
	fs.mkdirSync(path.dirname(spec.file), { recursive: true });
	fs.writeFileSync(spec.file, await format(text, { ...config, parser: 'json' }));
	console.log(`${keep ? 'mapped again' : 'new sample event'}: ${spec.file}`);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const named = args.filter((arg) => !arg.startsWith('--')).map((arg) => path.basename(arg));
	const unknown = named.filter(
		(name) => !EXAMPLES.some((spec) => path.basename(spec.file) === name),
	);
	if (unknown.length)
		throw new Error(
			`no such example: ${unknown.join(', ')} (examples: ${EXAMPLES.map((spec) => path.basename(spec.file)).join(', ')})`,
		);
	for (const spec of EXAMPLES)
		if (!named.length || named.includes(path.basename(spec.file)))
			await write(spec, args.includes('--new-event'));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
