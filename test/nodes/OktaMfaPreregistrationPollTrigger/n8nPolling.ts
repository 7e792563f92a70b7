/**
 * How n8n 2.41.1 runs and persists a polling node, around n8n-core's real PollContext, for the
 * node's in-process tests (read off n8n's PollTriggerExecutor, ActiveWorkflowManager.add,
 * TriggerExecutionContextFactory.getExecutePollFunctions and PollTriggerTaskHandler):
 * - default mode: a poll runs at activation (publish, and every n8n start); the workflow's static
 *   data is saved to the database when a poll emits and after each activation, never otherwise;
 * - durable mode: the node's static data is a cursor row of its own, seeded once from the node's
 *   static data; each poll works on a staged copy, committed when it emits, or alone when it emits
 *   nothing except for the activation poll; a poll that throws commits nothing. The workflow's own
 *   static data (global) is still saved at emits and after activation. Starts run no poll.
 * A restart rebuilds the workflow from what was saved.
 */
import { PollContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { pollContext, testWorkflow } from '../../../devkit/n8n/core';
import type { SavedCredential, TestWorkflow } from '../../../devkit/n8n/core';

export type PollResult = INodeExecutionData[][] | null;
export type PersistenceMode = 'default' | 'durable';

/**
 * Whether the n8n-core under test has durable polling (a poll context with a staged cursor and a
 * time budget: 2.41 has it, 2.8 has not). Without it, n8n polls in default mode only.
 */
export function durableModeExists(): boolean {
	const probe = new PollContext(
		{ id: 'probe', nodeTypes: {} } as unknown as Workflow,
		{ name: 'probe', parameters: {} } as unknown as INode,
		{} as IWorkflowExecuteAdditionalData,
		'trigger',
		'activate',
		undefined,
		undefined,
		undefined,
		undefined,
		() => ({}),
		() => 1,
	);
	return typeof (probe as Partial<{ getPollBudgetMs: unknown }>).getPollBudgetMs === 'function';
}

/** The persistence modes of the n8n under test. */
export const PERSISTENCE_MODES: PersistenceMode[] = durableModeExists()
	? ['default', 'durable']
	: ['default'];

const snapshot = (data: IDataObject): IDataObject => {
	const copy = JSON.parse(JSON.stringify(data)) as IDataObject;
	delete copy.__dataChanged;
	return copy;
};

export class PollingN8n {
	/** The workflow's static data as stored in n8n's database. */
	saved: IDataObject = {};
	/** Durable mode's cursor row for the node (undefined until the first poll creates it). */
	cursorRow: IDataObject | undefined;
	target: TestWorkflow;
	/** Durable mode's time budget per poll (n8n: lease/timeout ceiling minus a margin). */
	budgetMs = 4 * 60_000;

	constructor(
		readonly mode: PersistenceMode,
		private readonly options: {
			nodeType: INodeType;
			credential: SavedCredential;
			parameters?: INodeParameters;
		},
	) {
		this.target = this.build();
	}

	/** The workflow as n8n loads it from its database: all its static data (global and per node). */
	private build(): TestWorkflow {
		const target = testWorkflow({
			nodeType: this.options.nodeType,
			parameters: this.options.parameters ?? {},
			credentials: [this.options.credential],
		});
		target.workflow.overrideStaticData(snapshot(this.saved));
		return target;
	}

	/** The node's static data as the next poll will see it (durable: the committed cursor). */
	get nodeState(): IDataObject {
		if (this.mode === 'durable') return this.cursorRow ?? {};
		return this.target.workflow.getStaticData('node', this.target.node);
	}

	private async run(activation: boolean): Promise<PollResult> {
		// Durable mode builds each scheduled poll's workflow afresh from the database.
		if (this.mode === 'durable' && !activation) this.target = this.build();
		const { nodeType, node, workflow } = this.target;
		if (this.mode === 'default') {
			const result = await nodeType.poll!.call(pollContext(this.target));
			if (result !== null) this.saved = snapshot(workflow.staticData);
			return result;
		}
		this.cursorRow ??= snapshot(workflow.getStaticData('node', node));
		const staged = snapshot(this.cursorRow);
		const context = new PollContext(
			workflow,
			node,
			this.target.additionalData,
			'trigger',
			activation ? 'activate' : 'update',
			undefined,
			undefined,
			undefined,
			undefined,
			() => staged,
			() => this.budgetMs,
		);
		const result = await nodeType.poll!.call(context);
		if (result !== null) {
			this.cursorRow = staged;
			this.saved = snapshot(workflow.staticData);
		} else if (!activation) this.cursorRow = staged;
		return result;
	}

	/** Publishing: the activation poll (errors fail the publication), then static data is saved. */
	async publish(): Promise<PollResult> {
		const result = await this.run(true);
		this.saved = snapshot(this.target.workflow.staticData);
		return result;
	}

	/** One scheduled poll. */
	async poll(): Promise<PollResult> {
		return await this.run(false);
	}

	/** n8n stops and starts: the workflow from the database; default mode polls at activation. */
	async restart(): Promise<PollResult> {
		this.target = this.build();
		return this.mode === 'default' ? await this.publish() : null;
	}

	/** The editor's Fetch Test Event: a manual poll, whose static data n8n never saves. */
	async fetchTestEvent(): Promise<PollResult> {
		const target = this.build();
		return await target.nodeType.poll!.call(pollContext(target, { mode: 'manual' }));
	}
}

/** The uuids of a poll's items, in order. */
export const uuidsOf = (result: PollResult): string[] =>
	(result?.[0] ?? []).map((item) => String(item.json.uuid));
