/**
 * Writes examples/yubikey-shipment.workflow.json from the project's own parts (see
 * devkit/n8n/exampleWorkflow.ts). Keeps the file's sample delivery and maps it again, so a change
 * of the card's mapping or of the shipment node shows up here; `--new-event` makes a new sample.
 *   npx tsx scripts/example-data.ts [--new-event]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import {
	EXAMPLE_WORKFLOW_FILE,
	buildExampleWorkflow,
	deliveryOf,
	exampleDelivery,
} from '../devkit/n8n/exampleWorkflow';
import { TRIGGER_NODE_NAME } from '../devkit/n8n/workflows';

async function main(): Promise<void> {
	const keep = fs.existsSync(EXAMPLE_WORKFLOW_FILE) && !process.argv.includes('--new-event');
	const delivery = keep
		? deliveryOf(
				JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8')).pinData[TRIGGER_NODE_NAME][0]
					.json,
			)
		: exampleDelivery();
	const text = JSON.stringify(buildExampleWorkflow(delivery), null, '\t');
	const config = await resolveConfig(EXAMPLE_WORKFLOW_FILE);
	fs.mkdirSync(path.dirname(EXAMPLE_WORKFLOW_FILE), { recursive: true });
	fs.writeFileSync(EXAMPLE_WORKFLOW_FILE, await format(text, { ...config, parser: 'json' }));
	console.log(`${keep ? 'mapped again' : 'new sample event'}: ${EXAMPLE_WORKFLOW_FILE}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
