/**
 * `npx tsx scripts/n8n-install.ts`: installs (once) the pinned Node 24 + n8n 2.41.1 into .cache/n8n
 * and prints where they are. CI runs it before the e2e tests so that no test pays for the install.
 */
import { N8N_VERSION, NODE24_VERSION, ensureN8nInstalled } from '../devkit/n8n/runtime';

const started = Date.now();
const runtime = ensureN8nInstalled();
console.log(
	`[n8n-install] n8n ${N8N_VERSION} on Node ${NODE24_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${runtime.node} ${runtime.n8nBin}`,
);
