/**
 * Types of the evstream browser client (`client.js`).
 */

/** The connection's status. */
export type EvStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** An RFC 9457 problem detail, as the server answers errors (or as the client makes one up). */
export interface EvProblem {
	status?: number;
	title?: string;
	detail?: string;
	type?: string;
	instance?: string;
	[member: string]: unknown;
}

/**
 * A failure reported by the server or met on the way to it: `status` is the HTTP status,
 * or 0 when no answer came; `message` is the problem's `detail`.
 */
export class EvError extends Error {
	constructor(status: number, problem: EvProblem);
	readonly status: number;
	readonly problem: EvProblem;
}

/**
 * A refused (`status` 4xx/5xx), failed (0, "Network error") or timed-out (0, "Timeout")
 * state or collection write, log event or record set action, or one cut short by `close()`
 * (0, "Closed"). Its
 * optimistic change has been rolled back. A timed-out write may still have been applied by
 * the server. A log event the server invalidated on the stream before its answer came is
 * refused with 422 and the server's reason.
 */
export class EvWriteError extends EvError {
	constructor(status: number, problem: EvProblem);
}

export interface ConnectOptions {
	/**
	 * The stream endpoint; writes go to `${url}/states/…`, `${url}/collections/…`, `${url}/logs/…`
	 * and `${url}/actions/…`. Default `/evstream`.
	 */
	url?: string;
	/** A bearer token, or a function giving one, called before each connection and write. */
	token?: string | (() => string | undefined | Promise<string | undefined>);
	/** Where the stream request carries the token. Writes always use the header. Default `header`. */
	tokenIn?: 'header' | 'query';
	/** The query parameter for `tokenIn: 'query'`. Default `token`. */
	tokenParam?: string;
	/**
	 * Whether each stream request (the first and every reconnect) first asks
	 * `POST ${url}/tickets` for a single-use connection ticket, sending JSON `{}`, the token
	 * as writes do and fetch's default credentials (same-origin cookies, Basic login), then
	 * carries `ticket=` in its query and no token at all. For servers with
	 * `evstream.transport=route`, whose stream requests no WebFilter (Spring Security
	 * included) sees: there the ticket endpoint is guarded as the stream was, and the route
	 * requires tickets when Spring Security guards the application. A refused ticket request
	 * is reported and retried or fatal as a refused stream request of that status is; a
	 * network error as a failed stream request. Writes are unchanged. Default `false`.
	 */
	tickets?: boolean;
	/** Channels to listen to for the client's lifetime, besides those of `state()`, `collection()`, `log()`, `records()`, `presence()` and `channel()`. */
	channels?: string[];
	/**
	 * Reconnect delays in ms, doubled after each failure up to `max`, each picked at random
	 * in its upper half, reset once a connection is open. Without `initial`, the server's
	 * `retry:` sets it (500 before the server said). Defaults `{ initial: 500, max: 30000 }`.
	 */
	backoff?: { initial?: number; max?: number };
	/**
	 * Ms before an unanswered optimistic write, log event or action is rolled back; also how long an answered
	 * collection write waits for its change event before the answer alone confirms it. Default 10000.
	 */
	writeTimeout?: number;
	/** The `fetch` to use (tests, or credentials/headers of your own). Default `globalThis.fetch`. */
	fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** An event as received, with `data` as text. */
export interface EvMessageEvent {
	/** The event type (`message` when the server sent none). */
	type: string;
	/** The data, as text. */
	data: string;
	/** The stream's last event id after this event. */
	id: string;
}

/** A JSON merge patch (RFC 7396) of a value of type `T`. */
export type MergePatch<T> = T extends readonly unknown[]
	? T
	: T extends object
		? { [K in keyof T]?: MergePatch<T[K]> | null }
		: T;

/** What a write resolves with: the server's version and value after it. */
export interface EvWriteResult<T> {
	version: number;
	value: T;
}

/** The page's view of one state. Handles of the same key share its value and writes. */
export interface EvStateHandle<T = unknown> {
	readonly key: string;
	/** The shown value: the confirmed value with pending writes merged on top. `undefined` before the first snapshot. */
	readonly value: T | undefined;
	/** The confirmed version, `undefined` before the first snapshot. */
	readonly version: number | undefined;
	/**
	 * Whether the server removed the state (it destroyed itself, expired, or was removed):
	 * its final event came, `value` is `undefined`, every listener was called once with
	 * `undefined`, and writes are refused by the page. A snapshot of a state created again
	 * under the same key clears it.
	 */
	readonly removed: boolean;
	/**
	 * Resolves with the value once the first snapshot arrived (with `undefined` when the
	 * state's final event came first); rejects if the state is refused or closed first.
	 */
	readonly ready: Promise<T>;
	/**
	 * Calls `fn` on every change of the shown value (a snapshot, a change, an optimistic
	 * write or its roll back), compared as JSON, and with `undefined` when the state is
	 * removed. Not called for the value at hand.
	 * @returns the unsubscribe function
	 */
	subscribe(fn: (value: T, previous: T | undefined) => void): () => void;
	/**
	 * Calls `fn` when at least one of `properties` changed (compared as JSON), with objects
	 * holding just those properties (`undefined` where absent).
	 * @returns the unsubscribe function
	 */
	subscribe<K extends keyof T & string>(properties: readonly K[],
		fn: (next: { [P in K]: T[P] | undefined }, previous: { [P in K]: T[P] | undefined }) => void): () => void;
	/** As server-state-sync: `subscribe`, under an id of this handle; the same id replaces. */
	addStateUpdateListener(id: string, fn: (next: any, previous: any) => void, properties?: readonly string[]): void;
	removeStateUpdateListener(id: string): void;
	/**
	 * Applies a merge patch at once (optimistically) and sends it. Resolves when the server
	 * applied it (or its broadcast arrived first); rejects with `EvWriteError` after rolling
	 * it back. Once the state is `removed`, it and the writes still pending reject with
	 * `EvWriteError` (0, "Removed").
	 */
	update(patch: MergePatch<T>): Promise<EvWriteResult<T>>;
	/** Removes this handle's listeners; the last handle of the key unsubscribes. */
	close(): void;
}

/**
 * An atomic update of a collection item, in its JSON form (build them with `ops`). A path
 * names fields separated by dots, a numeric segment indexes an array; `''` is the item
 * itself, for `set` and `merge`.
 */
export type UpdateOp =
	| { op: 'set'; path: string; value: unknown }
	| { op: 'increment'; path: string; by: number }
	| { op: 'append'; path: string; value: unknown }
	| { op: 'remove'; path: string }
	| { op: 'merge'; path: string; value: unknown };

/** Builders of update ops. */
export const ops: {
	/** Sets the field at `path`; its parent must exist. */
	set(path: string, value: unknown): UpdateOp;
	/** Adds `by` (default 1) to the number at `path`, from 0 when the field is missing. */
	increment(path: string, by?: number): UpdateOp;
	/** Appends `value` to the array at `path`, from `[]` when the field is missing. */
	append(path: string, value: unknown): UpdateOp;
	/** Removes the field or array element at `path`, which must exist. */
	remove(path: string): UpdateOp;
	/** Merges an object into the object at `path` (`''`: the item) as a JSON merge patch (RFC 7396). */
	merge(path: string, value: object): UpdateOp;
};

/**
 * The page's view of one group of a collection (channel `<stream>/<group>`): its items by
 * id, sorted by id. Handles of the same group share its items and writes.
 */
export interface EvCollectionHandle<T = unknown> {
	readonly stream: string;
	readonly group: string;
	/**
	 * The shown items: the confirmed ones with pending writes replayed on top in order. A
	 * new map on each change (do not modify it); empty before the first snapshot.
	 */
	readonly items: ReadonlyMap<string, T>;
	/** Resolves with the items once the first snapshot arrived; rejects if the channel is refused or closed first. */
	readonly ready: Promise<ReadonlyMap<string, T>>;
	/**
	 * Calls `fn` with the items now and on every change of them (a snapshot, a change, an
	 * optimistic write or its roll back).
	 * @returns the unsubscribe function
	 */
	subscribe(fn: (items: ReadonlyMap<string, T>) => void): () => void;
	/**
	 * Calls `fn` with the data of each custom event of `type` that the server sends to the group.
	 * @returns the function that removes it
	 */
	on<D = unknown>(type: string, fn: (data: D) => void): () => void;
	/**
	 * Creates or replaces an item, at once (optimistically), and sends it. Resolves with the
	 * item the server stored; rejects with `EvWriteError` after rolling it back.
	 */
	set(id: string, data: T): Promise<T>;
	/**
	 * Applies update ops to an item at once and sends them; the server applies them
	 * atomically (404 when the item does not exist, 422 when an op cannot apply).
	 * Resolves with the item after them; rejects with `EvWriteError` after rolling back.
	 */
	update(id: string, ops: readonly UpdateOp[]): Promise<T>;
	/** Deletes an item at once and sends it; rejects with `EvWriteError` after rolling back. */
	delete(id: string): Promise<void>;
	/** Removes this handle's listeners; the last handle of the group unsubscribes. */
	close(): void;
}

/**
 * A log's reducers: for each event type, the next state after an event of that type, from
 * the state, the dispatcher's principal name and the payload (`null` when none), as the
 * server's handlers compute it. A reducer gets copies, so it may change `state` in place
 * and return nothing; it throws to refuse the event.
 */
export type EvLogReducers<S> = {
	[type: string]: (state: S, dispatcher: string | null, payload: any) => S | void;
};

export interface EvLogOptions<S> {
	/** The reducers of the log's event types; handles of one log share one reducers object. */
	reducers: EvLogReducers<S>;
	/** Seconds an event of this page shows before the server confirmed it. Default 10. */
	optimisticSeconds?: number;
	/** This page's principal name, the dispatcher its reducers see for its own pending events. Default `null`. */
	dispatcher?: string | null;
}

/**
 * The page's view of one server-validated event log (channel `<name>`): its state, built
 * with the page's reducers from the server's history and appends. Handles of the same log
 * share its state and pending events.
 */
export interface EvLogHandle<S = unknown> {
	readonly name: string;
	/**
	 * The shown state: the confirmed one with this page's pending events replayed on top in
	 * order (one its reducer refuses is skipped). `undefined` before the first history.
	 */
	readonly state: S | undefined;
	/** The state of the events the server confirmed, `undefined` before the first history. */
	readonly confirmed: S | undefined;
	/** The sequence of the last confirmed event (the base's when none follows), `undefined` before the first history. */
	readonly sequence: number | undefined;
	/** Resolves with the state once the first history arrived; rejects if the channel is refused or closed first. */
	readonly ready: Promise<S>;
	/**
	 * Calls `fn` with the shown state now (once the history came) and on every change of it
	 * (compared as JSON): a confirmed event, a pending one, or its removal.
	 * @returns the unsubscribe function
	 */
	subscribe(fn: (state: S) => void): () => void;
	/**
	 * Shows an event at once (optimistically) and sends it; the server validates it against
	 * its latest state. Resolves with its sequence when the server appended it; rejects
	 * with `EvWriteError` (422 with the server's reason when refused) after taking it out of
	 * the shown state. An event not confirmed within `optimisticSeconds` leaves the shown
	 * state too; its append brings it back if the server took it late.
	 */
	dispatch<P = unknown>(type: string, payload?: P): Promise<number>;
	/** Removes this handle's listeners; the last handle of the log unsubscribes. */
	close(): void;
}

/** One record of a record set as the server sends it: its id, version, and the record or its soft delete. */
export type EvRecordEntry<R = unknown> =
	| { id: string; version: number; deleted: false; record: R }
	| { id: string; version: number; deleted: true };

export interface EvRecordsOptions<R, A> {
	/**
	 * The page's view of an action before the server answers it, as partysync's: the
	 * records after the action, from the records and the action. It gets copies, so it may
	 * change them in place and return them; one that throws or returns no array leaves the
	 * records as they were. Handles of one record set share one function. Default: none,
	 * the action shows once the server answered it.
	 */
	optimistic?: (records: R[], action: A) => R[];
}

/**
 * The page's view of a record set (channel `<name>`), as partysync's: the records of the
 * application's database, each kept at the highest version the server sent (a soft
 * delete included, so that an older entry arriving late cannot bring a record back); a
 * snapshot replaces them all. Handles of the same set share its records and actions.
 */
export interface EvRecordsHandle<R = unknown, A = unknown> {
	readonly name: string;
	/**
	 * The shown records: the server's live records in id order, with this page's pending
	 * actions applied on top with `optimistic`, in order. A new array on each change (do not
	 * modify it); empty before the first snapshot.
	 */
	readonly records: readonly R[];
	/** Resolves with the records once the first snapshot arrived; rejects if the channel is refused or closed first. */
	readonly ready: Promise<readonly R[]>;
	/**
	 * Calls `fn` with the records now and on every change of them (a snapshot, changes, an
	 * optimistic action or its roll back), compared as JSON.
	 * @returns the unsubscribe function
	 */
	subscribe(fn: (records: readonly R[]) => void): () => void;
	/**
	 * Applies an action at once with `optimistic` and sends it to `{url}/actions/{name}`
	 * with an operation id as `Idempotency-Key`. Resolves with the entries it changed when
	 * the `changes` event carrying the operation id or the POST's answer arrives (both
	 * applied by version); rejects with `EvWriteError` (422 with the server's reason when
	 * refused) after rolling it back.
	 */
	send(action: A): Promise<EvRecordEntry<R>[]>;
	/** Removes this handle's listeners; the last handle of the set unsubscribes. */
	close(): void;
}

/** One member of a channel: a connection listening to it, on any instance of the application. */
export interface EvPresenceMember {
	/** The member's id, derived from its connection's id (which stays with the server). */
	readonly id: string;
	/** The name of the connection's principal. */
	readonly principal: string;
	/** When it joined, in ms since the epoch. */
	readonly joinedAt: number;
}

/**
 * The page's view of who listens to a channel, across the application's instances, over
 * channel `presence/<channel>` (which the server lets clients listen to only for the
 * channels it broadcasts). A set keyed by member `id`, in join order: a snapshot (on
 * joining, and after a `reset`) replaces it, a `join` adds a member it does not hold yet, a
 * `leave` removes one. The page's own connection is a member only of the channels it
 * listens to, not of `presence/<channel>`. Handles of the same channel share its members.
 */
export interface EvPresenceHandle {
	/** The channel whose members it shows. */
	readonly channel: string;
	/** The members in join order: a new array on each change (do not modify it); empty before the first snapshot. */
	readonly members: readonly EvPresenceMember[];
	/** Resolves with the members once the first snapshot arrived; rejects if the channel is refused or closed first. */
	readonly ready: Promise<readonly EvPresenceMember[]>;
	/**
	 * Calls `fn` with the members now and on every change of them (a snapshot, a join, a leave).
	 * @returns the unsubscribe function
	 */
	subscribe(fn: (members: readonly EvPresenceMember[]) => void): () => void;
	/** Removes this handle's listeners; the last handle of the channel unsubscribes. */
	close(): void;
}

/** One channel of the connection. */
export interface EvChannelHandle {
	readonly name: string;
	/**
	 * Calls `fn` for each event of `type` (`message` for events without one) on this channel,
	 * with the data parsed as JSON when it parses, else the text.
	 * @returns the function that removes it
	 */
	on<D = unknown>(type: string, fn: (data: D, event: EvMessageEvent) => void): () => void;
	/** Calls `fn` with the reason when the server says messages of this channel were missed for good. */
	onReset(fn: (reason: string) => void): () => void;
	/** Removes this handle's listeners; the last handle of the channel unsubscribes. */
	close(): void;
}

/** The page's evstream connection. */
export interface EvClient {
	readonly status: EvStatus;
	/** The server's id of the open connection, `null` when none is open. */
	readonly connectionId: string | null;
	/** The id that a reconnect sends as `Last-Event-ID` (`''` before any). */
	readonly lastEventId: string;
	/** @returns the unsubscribe function */
	onStatus(fn: (status: EvStatus) => void): () => void;
	/**
	 * Calls `fn` with each failure of the connection or of a subscription change. A 400,
	 * 401 or 403 answer to the stream request is reported after the status became `closed`;
	 * other failures are retried.
	 * @returns the unsubscribe function
	 */
	onError(fn: (error: EvError) => void): () => void;
	/** Calls `fn` for events that belong to no channel: the server's direct messages. */
	on<D = unknown>(type: string, fn: (data: D, event: EvMessageEvent) => void): () => void;
	/** A handle on a state; throws `TypeError` if the key is used as a channel or a collection, or with another `dataKey`. */
	state<T = unknown>(key: string, options?: { dataKey?: string }): EvStateHandle<T>;
	/** A handle on a channel; throws `TypeError` if the name is used as a state or a collection. */
	channel(name: string): EvChannelHandle;
	/**
	 * A handle on one group of a collection, over channel `<stream>/<group>`; throws
	 * `TypeError` for a name outside 1 to 64 of `A-Z a-z 0-9 _ . : @ -`, or if the channel
	 * is used as another kind.
	 */
	collection<T = unknown>(stream: string, group: string): EvCollectionHandle<T>;
	/**
	 * A handle on a server-validated event log, over channel `<name>`; throws `TypeError`
	 * for a name outside 1 to 64 of `A-Z a-z 0-9 _ . : @ -`, if the channel is used as
	 * another kind, or if the log is read with another reducers object.
	 */
	log<S = unknown>(name: string, options: EvLogOptions<S>): EvLogHandle<S>;
	/**
	 * A handle on a record set, over channel `<name>`; throws `TypeError` for a name outside
	 * 1 to 64 of `A-Z a-z 0-9 _ . : @ -`, if the channel is used as another kind, or if the
	 * set is read with another `optimistic` function.
	 */
	records<R = unknown, A = unknown>(name: string, options?: EvRecordsOptions<R, A>): EvRecordsHandle<R, A>;
	/**
	 * A handle on the members of a channel, over channel `presence/<channel>`; throws
	 * `TypeError` for an empty name, or if that channel is used as another kind. The server
	 * refuses it (403) unless the application broadcasts the channel's presence and the page
	 * may listen to the channel: added to an open connection, it is dropped (`onError` is
	 * told, `ready` rejects); asked for in the stream's first request, the refusal closes
	 * the client, as for any channel.
	 */
	presence(channel: string): EvPresenceHandle;
	/** Stops everything: the stream, reconnects, pending writes (rejected); status `closed`. */
	close(): void;
}

/** Opens the page's evstream connection (in a microtask, with every state and channel asked for until then). */
export function connect(options?: ConnectOptions): EvClient;

/** Applies a JSON merge patch (RFC 7396) without modifying its arguments. */
export function mergePatch(target: unknown, patch: unknown): unknown;

/**
 * Applies update ops to an item in order, as the server does, without modifying it.
 * Throws when an op cannot apply (missing parent, missing field to remove, wrong type).
 */
export function applyUpdateOps<T>(item: T, ops: readonly UpdateOp[]): T;

/** The token standing for a channel in the server's event ids. */
export function channelToken(name: string): string;
