/**
 * Reliability, part 7 (the Okta Trigger, several event types per hook): the fault matrix's
 * lifecycle cells (faultMatrix.ts) for an Okta Trigger with 3 chosen types. Publishing, publishing
 * again after the user changed the choice (the hook is replaced: removed, then created) and
 * unpublishing, with every Okta call they make failing in every way. Goals per cell: no hook left
 * behind unless the error names it, never more than one hook at a time, exactly one healthy hook of
 * exactly the chosen types after a publish, no secret in what the user is told.
 */
import { trustCertificateAuthority } from '../../devkit/n8n/core';
import { faultMatrix } from './faultMatrix';
import type { MatrixNode, Phase } from './faultMatrix';
import { n8nDriver } from './n8nDriver';
import type { ClientFaults } from './n8nDriver';
import { CHOSEN_TYPES, hostEventHookNode } from './oktaTriggerHost';
import type { HostedNode } from './oktaTriggerHost';
import { recordFigures } from './results';

/** The choice after the user's edit: one type dropped, one added. */
const CHANGED_TYPES = [...CHOSEN_TYPES.slice(1), 'user.lifecycle.deactivate'];

type OktaTriggerNode = MatrixNode & { hosted: HostedNode };

const PHASES: Array<Phase<OktaTriggerNode>> = [
	{ name: 'publish', published: false, action: 'publish' },
	{
		name: 'republish after changed types',
		published: true,
		change: (node) => {
			node.hosted.parameters.events = [...CHANGED_TYPES];
		},
		action: 'publish',
	},
	{ name: 'unpublish', published: true, action: 'unpublish' },
];

const matrix = faultMatrix<OktaTriggerNode>({
	phases: PHASES,
	async start(pool) {
		trustCertificateAuthority(pool[0].caCertPem);
	},
	async newNode(sandbox, { refusedPort }) {
		const hosted = await hostEventHookNode({ sandbox, parameters: { events: [...CHOSEN_TYPES] } });
		return {
			hosted,
			driver: (faults?: ClientFaults) => n8nDriver({ hosted, faults, refusedPort }),
			subscribed: (hook) => {
				const chosen = hosted.parameters.events as string[];
				return (
					hook.events.items.length === chosen.length &&
					chosen.every((type) => hook.events.items.includes(type))
				);
			},
			close: () => hosted.close(),
		};
	},
});

afterAll(() => {
	recordFigures('okta-trigger-matrix', {
		chosen: CHOSEN_TYPES,
		changedTo: CHANGED_TYPES,
		...matrix.figures(),
	});
});

describe(`Okta Trigger with ${CHOSEN_TYPES.length} event types`, () => {
	matrix.describePhases();
});
