/**
 * The browser client of evstream for Spring Boot: one Server-Sent Events connection per
 * page that carries every state, collection, log, record set, presence and channel the
 * page uses, with resume, heartbeat watchdog, reconnect back-off, live subscription
 * changes and optimistic writes.
 *
 * A single dependency-free ES module, served by the starter at `{evstream.path}/client.js`.
 * It reads the stream with `fetch` rather than `EventSource` so that it can send
 * `Authorization` and `Last-Event-ID` headers and see the status and problem detail of a
 * refused connection.
 *
 * @module evstream-client
 */

/** Heartbeat interval assumed until the server's `connected` event says. */
const DEFAULT_HEARTBEAT = 30000;

const DEFAULT_BACKOFF_INITIAL = 500;
const DEFAULT_BACKOFF_MAX = 30000;
const DEFAULT_WRITE_TIMEOUT = 10000;

// ---------------------------------------------------------------------------------------
// Errors

/**
 * A failure reported by the server or met on the way to it. `status` is the HTTP status,
 * or 0 when no answer came (network error, timeout, client closed); `problem` is the
 * RFC 9457 problem detail (the server's, or one made up by the client when there was
 * none); `message` is its `detail`.
 */
export class EvError extends Error {
	/**
	 * @param {number} status the HTTP status, 0 when the server did not answer
	 * @param {{status?: number, title?: string, detail?: string, [key: string]: unknown}} problem
	 */
	constructor(status, problem) {
		super(problem.detail || problem.title || `HTTP ${status}`);
		this.name = 'EvError';
		this.status = status;
		this.problem = problem;
	}
}

/**
 * A refused, failed or timed-out state or collection write, log event or record set action.
 * The optimistic change it made has been rolled back when this is thrown. A write that
 * timed out may still have been applied by the server: the stream then shows it like any
 * other change.
 */
export class EvWriteError extends EvError {
	/**
	 * @param {number} status the HTTP status, 0 when the server did not answer
	 * @param {{status?: number, title?: string, detail?: string, [key: string]: unknown}} problem
	 */
	constructor(status, problem) {
		super(status, problem);
		this.name = 'EvWriteError';
	}
}

/** A problem detail for a failure that has no server answer. */
function clientProblem(title, detail) {
	return { status: 0, title, detail };
}

/** The problem detail of a non-2xx answer, made up from the status when the body is not one. */
async function readProblem(response) {
	let text = '';
	try {
		text = await response.text();
	}
	catch {
		// a body cut short still has a status worth reporting
	}
	try {
		const problem = JSON.parse(text);
		if (problem !== null && typeof problem === 'object' && !Array.isArray(problem)) {
			return { status: response.status, ...problem };
		}
	}
	catch {
		// not JSON: fall through to a problem made from the status
	}
	return {
		status: response.status,
		title: response.statusText || `HTTP ${response.status}`,
		detail: text.trim() || `The server answered ${response.status}`,
	};
}

function isAbort(error) {
	return error !== null && typeof error === 'object' && error.name === 'AbortError';
}

/** Calls a user callback so that its exception surfaces without breaking the stream. */
function safeCall(fn, ...args) {
	try {
		fn(...args);
	}
	catch (error) {
		queueMicrotask(() => {
			throw error;
		});
	}
}

// ---------------------------------------------------------------------------------------
// JSON merge patch (RFC 7396)

function isObject(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Applies a JSON merge patch (RFC 7396) to a value, as the server does. Neither argument
 * is modified: the result shares unpatched parts with `target`. A `null` member removes
 * the property, an object member is merged recursively, anything else (arrays included)
 * replaces; a patch that is not an object replaces the whole value.
 *
 * @param {any} target the value to patch (`undefined` when there is none yet)
 * @param {any} patch the merge patch
 * @returns {any} the patched value
 */
export function mergePatch(target, patch) {
	if (!isObject(patch)) {
		return patch;
	}
	const result = isObject(target) ? { ...target } : {};
	for (const [name, member] of Object.entries(patch)) {
		if (member === null) {
			delete result[name];
		}
		else {
			// defineProperty, not assignment: a "__proto__" member must stay a plain property
			Object.defineProperty(result, name, {
				value: mergePatch(result[name], member),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
	}
	return result;
}

// ---------------------------------------------------------------------------------------
// Collection update ops: the server's atomic item updates, replayed on the page

/**
 * Builders of the update ops that `collection.update(id, ops)` sends, in their JSON form.
 * A path names fields separated by dots (a numeric segment indexes an array); `''` is the
 * item itself, for `set` and `merge`.
 */
export const ops = Object.freeze({
	/** Sets the field at `path` (its parent must exist). */
	set: (path, value) => ({ op: 'set', path, value }),
	/** Adds `by` to the number at `path`, from 0 when the field is missing. */
	increment: (path, by = 1) => ({ op: 'increment', path, by }),
	/** Appends `value` to the array at `path`, from `[]` when the field is missing. */
	append: (path, value) => ({ op: 'append', path, value }),
	/** Removes the field (or array element) at `path`, which must exist. */
	remove: (path) => ({ op: 'remove', path }),
	/** Merges an object into the object at `path` as a JSON merge patch (RFC 7396). */
	merge: (path, value) => ({ op: 'merge', path, value }),
});

/** What a change returns to take its field out of the parent. */
const REMOVE = Symbol('remove');

/** An update op that cannot apply to the item, as the server would answer 422. */
class UpdateOpError extends Error {
}

/**
 * Applies update ops to an item in order, as the server does, without modifying it: the
 * result shares the untouched parts. Throws when an op cannot apply (a missing parent, a
 * missing field to remove, a field of the wrong type), as the server refuses the update.
 *
 * @param {any} item the item's data
 * @param {ReadonlyArray<{op: string, path: string, value?: unknown, by?: number}>} updateOps
 * @returns {any} the item after the ops
 */
export function applyUpdateOps(item, updateOps) {
	return updateOps.reduce((value, op) => applyUpdateOp(value, op), item);
}

function applyUpdateOp(item, op) {
	if (!isObject(op) || typeof op.path !== 'string') {
		throw new UpdateOpError('An update op is an object with a string path');
	}
	const change = fieldChange(op);
	if (op.path === '') {
		if (op.op !== 'set' && op.op !== 'merge') {
			throw new UpdateOpError(`'${op.op}' needs a path to a field`);
		}
		return change(item, true);
	}
	// increment and append create their missing field, in an array too: at its end
	const growsArrays = op.op === 'increment' || op.op === 'append';
	return changeIn(item, op.path.split('.'), 0, change, growsArrays);
}

/** The op as a function of the field's current value (and whether it exists) to its next one. */
function fieldChange(op) {
	switch (op.op) {
		case 'set':
			return () => op.value;
		case 'merge':
			return (current, exists) => {
				if (!exists || !isObject(current) || !isObject(op.value)) {
					throw new UpdateOpError(`A merge needs an object at '${op.path}' and an object to merge`);
				}
				return mergePatch(current, op.value);
			};
		case 'increment':
			return (current, exists) => {
				if (typeof op.by !== 'number' || (exists && typeof current !== 'number')) {
					throw new UpdateOpError(`'${op.path}' is not a number to increment`);
				}
				return (exists ? current : 0) + op.by;
			};
		case 'append':
			return (current, exists) => {
				if (exists && !Array.isArray(current)) {
					throw new UpdateOpError(`'${op.path}' is not an array to append to`);
				}
				return [...(exists ? current : []), op.value];
			};
		case 'remove':
			return (current, exists) => {
				if (!exists) {
					throw new UpdateOpError(`'${op.path}' does not exist`);
				}
				return REMOVE;
			};
		default:
			throw new UpdateOpError(`Unknown update op '${op.op}'`);
	}
}

/** Copies `node` with `change` applied at `names[at…]`, the parents along the way copied too. */
function changeIn(node, names, at, change, growsArrays) {
	const name = names[at];
	const last = at === names.length - 1;
	if (Array.isArray(node)) {
		const index = /^\d+$/.test(name) ? Number(name) : -1;
		const exists = index >= 0 && index < node.length;
		if (!exists && !(last && growsArrays && index === node.length)) {
			throw new UpdateOpError(`'${names.slice(0, at + 1).join('.')}' does not exist in the item`);
		}
		const next = last ? change(node[index], exists) : changeIn(node[index], names, at + 1, change, growsArrays);
		const copy = [...node];
		if (next === REMOVE) {
			copy.splice(index, 1);
		}
		else {
			copy[index] = next;
		}
		return copy;
	}
	if (!isObject(node)) {
		throw new UpdateOpError(`'${names.slice(0, at).join('.') || 'the item'}' is not an object or an array`);
	}
	const exists = Object.hasOwn(node, name);
	if (!last && !exists) {
		throw new UpdateOpError(`'${names.slice(0, at + 1).join('.')}' does not exist in the item`);
	}
	const next = last ? change(node[name], exists) : changeIn(node[name], names, at + 1, change, growsArrays);
	const copy = { ...node };
	if (next === REMOVE) {
		delete copy[name];
	}
	else {
		defineMember(copy, name, next);
	}
	return copy;
}

/** Sets a property such that a `"__proto__"` name stays a plain property. */
function defineMember(target, name, value) {
	Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------
// Event ids: which channel an event belongs to

/**
 * The token that stands for a channel in the server's event ids: base 36 of murmur3's
 * finalizer applied to Java's `String.hashCode()` of the name, as the server computes it.
 *
 * @param {string} name the channel name
 * @returns {string} the channel's token
 */
export function channelToken(name) {
	let h = 0;
	for (let i = 0; i < name.length; i++) {
		h = (Math.imul(31, h) + name.charCodeAt(i)) | 0;
	}
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return (h >>> 0).toString(36);
}

/** Reads `<token>.<seq>_…` (or `-`) into token → seq; `null` for an id evstream did not write. */
function parseEventId(id) {
	if (id === '-') {
		return new Map();
	}
	const positions = new Map();
	for (const part of id.split('_')) {
		const dot = part.indexOf('.');
		if (dot <= 0 || dot === part.length - 1) {
			return null;
		}
		positions.set(part.slice(0, dot), part.slice(dot + 1));
	}
	return positions;
}

/**
 * Follows the ids of a stream and says which channel tokens an id moved. Each event
 * advances one channel's sequence, so the tokens whose sequence changed name its channel;
 * tokens that only appeared (channels just added) count when none moved.
 */
function createIdTracker() {
	let lastId = '';
	let positions = new Map();
	return {
		/** @returns {string[]} tokens the id moved, or that appeared when none moved */
		advance(id) {
			if (id === lastId) {
				return [];
			}
			lastId = id;
			const next = parseEventId(id);
			if (next === null) {
				// an id set by the application on a direct message: it says nothing of channels
				return [];
			}
			const moved = [];
			const appeared = [];
			for (const [token, seq] of next) {
				const before = positions.get(token);
				if (before === undefined) {
					appeared.push(token);
				}
				else if (before !== seq) {
					moved.push(token);
				}
			}
			positions = next;
			return moved.length > 0 ? moved : appeared;
		},
	};
}

/**
 * The subscription (state or channel) an event belongs to: the one whose token the id
 * moved; among several (or none), the one named like the event type, since states and
 * default channel events use the channel name as type. `null` when it is none of ours.
 */
function attribute(type, tokens, subscriptions) {
	const named = subscriptions.get(type) ?? null;
	if (tokens.length === 0) {
		return named;
	}
	const candidates = [];
	for (const subscription of subscriptions.values()) {
		if (tokens.includes(subscription.token)) {
			candidates.push(subscription);
		}
	}
	if (candidates.length === 0) {
		return null;
	}
	if (candidates.length === 1) {
		return candidates[0];
	}
	return candidates.includes(named) ? named : candidates[0];
}

// ---------------------------------------------------------------------------------------
// Server-Sent Events parsing (WHATWG rules)

/**
 * An SSE parser fed with bytes as they arrive. Decodes UTF-8 across chunk boundaries
 * (and drops the leading BOM, as TextDecoder does), accepts CRLF, CR and LF line ends even
 * when a CRLF is split between chunks, ignores comments and unknown fields, and
 * dispatches an event at each blank line when it has data. The last event id persists
 * from event to event, as in `EventSource`.
 *
 * @param {string} lastEventId the id to start from (resumed connections keep theirs)
 * @param {(event: {type: string, data: string, id: string}) => void} onEvent
 * @param {(ms: number) => void} onRetry called for each valid `retry:` field
 */
function createSseParser(lastEventId, onEvent, onRetry) {
	const decoder = new TextDecoder();
	let buffer = '';
	let afterCr = false;
	let type = '';
	let data = [];
	let id = lastEventId;

	function dispatch() {
		lastEventId = id;
		if (data.length > 0) {
			onEvent({ type: type || 'message', data: data.join('\n'), id });
		}
		type = '';
		data = [];
	}

	function field(name, value) {
		switch (name) {
			case 'event':
				type = value;
				break;
			case 'data':
				data.push(value);
				break;
			case 'id':
				if (!value.includes('\0')) {
					id = value;
				}
				break;
			case 'retry':
				if (/^\d+$/.test(value)) {
					onRetry(Number(value));
				}
				break;
			default:
			// unknown fields are ignored, as the spec says
		}
	}

	function line(text) {
		if (text === '') {
			dispatch();
			return;
		}
		if (text[0] === ':') {
			return;
		}
		const colon = text.indexOf(':');
		if (colon < 0) {
			field(text, '');
			return;
		}
		const value = text[colon + 1] === ' ' ? text.slice(colon + 2) : text.slice(colon + 1);
		field(text.slice(0, colon), value);
	}

	function feed(text) {
		let pending = buffer + text;
		let start = 0;
		if (afterCr && pending.length > 0) {
			// the LF of a CRLF split between two chunks ends nothing more
			if (pending[0] === '\n') {
				start = 1;
			}
			afterCr = false;
		}
		// CR is rare: look for it once rather than at every line
		let cr = pending.indexOf('\r', start);
		for (;;) {
			if (cr !== -1 && cr < start) {
				cr = pending.indexOf('\r', start);
			}
			const lf = pending.indexOf('\n', start);
			const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
			if (end === -1) {
				break;
			}
			line(pending.slice(start, end));
			start = end + 1;
			if (end === cr) {
				if (start === pending.length) {
					afterCr = true;
				}
				else if (pending[start] === '\n') {
					start++;
				}
			}
		}
		buffer = pending.slice(start);
	}

	return {
		/** @param {Uint8Array} bytes */
		push(bytes) {
			feed(decoder.decode(bytes, { stream: true }));
		},
		/** The id to resume from: the last one of a dispatched block. */
		get lastEventId() {
			return lastEventId;
		},
	};
}

// ---------------------------------------------------------------------------------------
// Reconnect back-off

/**
 * Reconnect delays: doubling from the initial delay up to the maximum, each picked at
 * random in its upper half so that clients cut off together do not return together.
 * Without an explicit initial delay, the server's `retry:` sets it, as for `EventSource`.
 */
/**
 * @param {{initial?: number, max?: number}} options
 */
function createBackoff({ initial, max = DEFAULT_BACKOFF_MAX }) {
	let base = initial ?? DEFAULT_BACKOFF_INITIAL;
	let attempt = 0;
	return {
		next() {
			const ceiling = Math.min(max, base * 2 ** attempt);
			attempt = Math.min(attempt + 1, 30);
			return ceiling / 2 + Math.random() * (ceiling / 2);
		},
		reset() {
			attempt = 0;
		},
		serverRetry(ms) {
			if (initial === undefined) {
				base = Math.min(ms, max);
			}
		},
	};
}

/** Seconds of a `Retry-After` header in ms, 0 when absent or a date. */
function retryAfterMs(response) {
	const value = response.headers.get('Retry-After');
	return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : 0;
}

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms, signal) {
	return new Promise((resolve) => {
		if (signal.aborted) {
			resolve();
			return;
		}
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, { once: true });
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}

/** A timer that fires when not kicked for `ms`: the heartbeat watchdog. */
function createWatchdog(ms, onSilence) {
	let timer = setTimeout(onSilence, ms);
	return {
		kick() {
			clearTimeout(timer);
			timer = setTimeout(onSilence, ms);
		},
		setLimit(next) {
			ms = next;
			this.kick();
		},
		stop() {
			clearTimeout(timer);
		},
	};
}

/** An idempotency key for a write: `[A-Za-z0-9_.:-]{1,64}` as the server requires. */
function operationId() {
	const crypto = globalThis.crypto;
	if (crypto && typeof crypto.randomUUID === 'function') {
		return crypto.randomUUID();
	}
	const words = new Uint32Array(4);
	if (crypto && typeof crypto.getRandomValues === 'function') {
		crypto.getRandomValues(words);
	}
	else {
		for (let i = 0; i < words.length; i++) {
			words[i] = Math.floor(Math.random() * 2 ** 32);
		}
	}
	return Array.from(words, (word) => word.toString(36)).join('.');
}

/** Splits `path?query` so that the query can follow paths appended to the base URL. */
function splitUrl(url) {
	const question = url.indexOf('?');
	const path = question < 0 ? url : url.slice(0, question);
	const query = question < 0 ? '' : url.slice(question + 1);
	return { path: path.replace(/\/+$/, ''), query };
}

function withQuery(path, params) {
	const query = params.filter(Boolean).join('&');
	return query ? `${path}?${query}` : path;
}

// ---------------------------------------------------------------------------------------
// States: confirmed value, pending optimistic writes, listeners

/** The part of a value a property listener looks at. */
function pick(value, properties) {
	return Object.fromEntries(properties.map((name) => [name, isObject(value) ? value[name] : undefined]));
}

function sameJson(a, b) {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * One state as the page sees it: the confirmed value and version from the stream, and
 * the optimistic writes still pending, merged on top in order to give the shown value.
 * Shared by every handle of the same key.
 */
function createStateEntry(key, dataKey) {
	let resolveReady;
	let rejectReady;
	const ready = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	// handled here so that a page that never awaits `ready` sees no unhandled rejection
	ready.catch(() => {});
	const entry = {
		kind: 'state',
		name: key,
		token: channelToken(key),
		users: 0,
		dataKey,
		confirmed: undefined,
		version: undefined,
		received: false,
		/** @type {PendingWrite[]} */
		pending: [],
		shown: undefined,
		listeners: new Set(),
		ready,

		/** Recomputes the shown value and tells listeners when it changed. */
		refresh() {
			const previous = entry.shown;
			entry.shown = entry.pending.reduce((value, write) => mergePatch(value, write.patch), entry.confirmed);
			if (!sameJson(previous, entry.shown)) {
				for (const listener of [...entry.listeners]) {
					notify(listener, entry.shown, previous);
				}
			}
		},

		/** Whether the server removed the state (destroyed, expired or removed by hand). */
		removed: false,

		/** A snapshot or change from the stream, or the final event of a removed state. */
		receive(message) {
			if (message.removed === true) {
				onRemoved();
				return;
			}
			// a state created again under the same key comes back with its snapshot
			entry.removed = false;
			entry.confirmed = message[dataKey];
			entry.version = typeof message.version === 'number' ? message.version : entry.version;
			const confirmedBy = entry.pending.filter(
				(write) => write.id === message.operationId || (write.ackVersion !== undefined && entry.version >= write.ackVersion));
			entry.pending = entry.pending.filter((write) => !confirmedBy.includes(write));
			entry.refresh();
			for (const write of confirmedBy) {
				write.settle(null, { version: entry.version, value: entry.confirmed });
			}
			if (!entry.received) {
				entry.received = true;
				resolveReady(entry.shown);
			}
		},

		/** Takes a write out of the shown value (refused, timed out, or confirmed). */
		drop(write) {
			const index = entry.pending.indexOf(write);
			if (index >= 0) {
				entry.pending.splice(index, 1);
				entry.refresh();
			}
		},

		/** The subscription ended before the first snapshot (handle closed, refused, client closed). */
		abandon(error) {
			if (!entry.received) {
				rejectReady(error);
			}
		},
	};

	/**
	 * The server's final event: the state has no value any more, every listener hears so
	 * (with `undefined`), and the writes still pending fail, as later ones do.
	 */
	function onRemoved() {
		const previous = entry.shown;
		const writes = entry.pending;
		entry.removed = true;
		entry.confirmed = undefined;
		entry.pending = [];
		entry.shown = undefined;
		for (const listener of [...entry.listeners]) {
			notifyRemoved(listener, previous);
		}
		for (const write of writes) {
			write.settle(removedError(key));
		}
		if (!entry.received) {
			entry.received = true;
			resolveReady(undefined);
		}
	}

	return entry;
}

/** Tells a listener that its state is gone, whether or not the part it watches had a value. */
function notifyRemoved(listener, previous) {
	if (listener.properties === null) {
		safeCall(listener.fn, undefined, previous);
		return;
	}
	safeCall(listener.fn, pick(undefined, listener.properties), pick(previous, listener.properties));
}

/** The refusal of a write to a state the server removed: made by the page, which knows. */
function removedError(key) {
	return new EvWriteError(0, clientProblem('Removed', `State '${key}' was removed: it takes no more writes`));
}

/**
 * @typedef {object} PendingWrite
 * @property {string} id the operation id
 * @property {unknown} patch the merge patch, as sent
 * @property {number | undefined} ackVersion the version the POST answered, once it did
 * @property {(error: EvWriteError | null, result?: {version: number, value: unknown}) => void} settle
 */

/** Calls a listener if the part it watches changed. */
function notify(listener, next, previous) {
	if (listener.properties === null) {
		safeCall(listener.fn, next, previous);
		return;
	}
	const nextPart = pick(next, listener.properties);
	const previousPart = pick(previous, listener.properties);
	if (listener.properties.some((name) => !sameJson(nextPart[name], previousPart[name]))) {
		safeCall(listener.fn, nextPart, previousPart);
	}
}

// ---------------------------------------------------------------------------------------
// Channels: named event listeners and reset listeners

function createChannelEntry(name) {
	return {
		kind: 'channel',
		name,
		token: channelToken(name),
		users: 0,
		/** @type {Map<string, Set<Function>>} */
		listeners: new Map(),
		/** @type {Set<Function>} */
		resetListeners: new Set(),

		receive(event) {
			const fns = this.listeners.get(event.type);
			if (fns === undefined) {
				return;
			}
			const data = parseData(event.data);
			for (const fn of [...fns]) {
				safeCall(fn, data, event);
			}
		},

		reset(reason) {
			for (const fn of [...this.resetListeners]) {
				safeCall(fn, reason);
			}
		},

		abandon() {
			// channels have no readiness to settle
		},
	};
}

/** Channel data as JSON when it parses, else the text. */
function parseData(text) {
	try {
		return JSON.parse(text);
	}
	catch {
		return text;
	}
}

/** Adds `fn` to the set under `key` of a map of sets and returns its removal. */
function addTo(map, key, fn) {
	let fns = map.get(key);
	if (fns === undefined) {
		fns = new Set();
		map.set(key, fns);
	}
	fns.add(fn);
	return () => {
		fns.delete(fn);
		if (fns.size === 0 && map.get(key) === fns) {
			map.delete(key);
		}
	};
}

// ---------------------------------------------------------------------------------------
// Collections: confirmed items, pending optimistic ops, listeners

/** Stream, group, log and record set names, as the server accepts them. */
const MODEL_NAME = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** Item ids, as the server accepts them. */
const ITEM_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * One group of a collection as the page sees it: the confirmed items from the stream (a
 * snapshot, then its create / update / delete events) and the optimistic ops still
 * pending, replayed on top in order to give the shown items. Shared by every handle of the
 * same group.
 */
function createCollectionEntry(stream, group) {
	let resolveReady;
	let rejectReady;
	const ready = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	// handled here so that a page that never awaits `ready` sees no unhandled rejection
	ready.catch(() => {});
	const entry = {
		kind: 'collection',
		name: `${stream}/${group}`,
		token: channelToken(`${stream}/${group}`),
		users: 0,
		stream,
		group,
		/** @type {Map<string, unknown>} sorted by id, as the server lists them */
		confirmed: new Map(),
		/** @type {PendingOp[]} */
		pending: [],
		/** @type {Map<string, unknown>} */
		shown: new Map(),
		/** Snapshots received: an answered op sent before the last one may be in it. */
		epoch: 0,
		received: false,
		/** After a reset, until the fresh snapshot: changes until then are in it. */
		resetting: false,
		/** @type {Set<(items: Map<string, unknown>) => void>} */
		listeners: new Set(),
		/** @type {Map<string, Set<Function>>} */
		eventListeners: new Map(),
		ready,

		/** Recomputes the shown items and tells listeners when they changed. */
		refresh() {
			const next = replay(entry.confirmed, entry.pending);
			if (!sameItems(entry.shown, next)) {
				entry.shown = next;
				for (const fn of [...entry.listeners]) {
					safeCall(fn, next);
				}
			}
		},

		/** A message of the group's channel. */
		receive(message) {
			switch (message.op) {
				case 'snapshot':
					onSnapshot(Array.isArray(message.items) ? message.items : []);
					return;
				case 'create':
				case 'update':
				case 'delete':
					onChange(message);
					return;
				case 'event':
					onEvent(message);
					return;
				default:
				// ops of later servers are ignored, as SSE ignores unknown fields
			}
		},

		/** Messages were missed for good: the fresh snapshot that follows replaces the items. */
		reset() {
			entry.resetting = true;
		},

		/** Takes an op out of the shown items (refused, timed out, or confirmed). */
		drop(op) {
			if (leave(op)) {
				entry.refresh();
			}
		},

		/**
		 * The server applied an op. Returns whether its change event is still to come: when
		 * a snapshot came since the op was sent, the snapshot may hold it, and no event will
		 * follow, so the answer confirms it.
		 */
		acknowledge(op) {
			if (!entry.pending.includes(op)) {
				return false;
			}
			if (op.epoch !== entry.epoch) {
				entry.drop(op);
				return false;
			}
			op.acked = true;
			return true;
		},

		/** The subscription ended before the first snapshot (handle closed, refused, client closed). */
		abandon(error) {
			if (!entry.received) {
				rejectReady(error);
			}
		},
	};

	function onSnapshot(items) {
		entry.confirmed = sortedById(new Map(items.filter(isObject).map((item) => [String(item.id), item.data])));
		entry.epoch++;
		entry.resetting = false;
		// an answered op is in this snapshot, or its event follows it
		for (const op of entry.pending.filter((pending) => pending.acked)) {
			leave(op);
		}
		entry.refresh();
		if (!entry.received) {
			entry.received = true;
			resolveReady(entry.shown);
		}
	}

	function onChange(message) {
		const id = String(message.id);
		// between a reset and its snapshot, a change is already in the snapshot to come
		if (!entry.resetting) {
			entry.confirmed = message.op === 'delete'
				? without(entry.confirmed, id)
				: withItem(entry.confirmed, id, message.data);
		}
		const op = entry.pending.find((pending) => pending.id === message.operationId);
		if (op !== undefined) {
			leave(op);
		}
		entry.refresh();
	}

	function onEvent(message) {
		const fns = entry.eventListeners.get(message.type);
		for (const fn of fns ? [...fns] : []) {
			safeCall(fn, message.data);
		}
	}

	/** Removes an op from the pending ones; whether it was there. */
	function leave(op) {
		const index = entry.pending.indexOf(op);
		if (index < 0) {
			return false;
		}
		entry.pending.splice(index, 1);
		op.left();
		return true;
	}

	return entry;
}

/**
 * @typedef {object} PendingOp
 * @property {string} id the operation id, sent as `Idempotency-Key`
 * @property {string} itemId the item it writes
 * @property {{op: 'set', data: unknown} | {op: 'update', ops: unknown[]} | {op: 'delete'}} body the write, as sent
 * @property {number} epoch the entry's snapshots received when it was sent
 * @property {boolean} acked whether the server answered that it applied it
 * @property {() => void} left called when it leaves the pending ops, to stop its timer
 */

/** The confirmed items with the pending ops applied in order: a new map, sorted by id. */
function replay(confirmed, pending) {
	if (pending.length === 0) {
		return confirmed;
	}
	const items = new Map(confirmed);
	let added = false;
	for (const op of pending) {
		added = applyPendingOp(items, op) || added;
	}
	return added ? sortedById(items) : items;
}

/** Applies one pending op to the items; whether it added an id. */
function applyPendingOp(items, op) {
	const { itemId, body } = op;
	if (body.op === 'delete') {
		items.delete(itemId);
		return false;
	}
	if (body.op === 'set') {
		const added = !items.has(itemId);
		items.set(itemId, body.data);
		return added;
	}
	if (items.has(itemId)) {
		try {
			items.set(itemId, applyUpdateOps(items.get(itemId), body.ops));
		}
		catch {
			// the page's items may be behind the server's: the server decides, and the
			// answer rolls the op back if it cannot apply there either
		}
	}
	return false;
}

/** A copy of the items with `id` set to `data`, kept sorted by id. */
function withItem(items, id, data) {
	const copy = new Map(items);
	copy.set(id, data);
	return items.has(id) ? copy : sortedById(copy);
}

function without(items, id) {
	if (!items.has(id)) {
		return items;
	}
	const copy = new Map(items);
	copy.delete(id);
	return copy;
}

/** Sorted by id as the server sorts them: by UTF-16 code units, as Java compares strings. */
function sortedById(items) {
	return new Map([...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Whether two item maps show the same: the same ids in order, each with the same JSON. */
function sameItems(a, b) {
	if (a === b) {
		return true;
	}
	if (a.size !== b.size) {
		return false;
	}
	const bEntries = b.entries();
	for (const [id, data] of a) {
		const [otherId, otherData] = bEntries.next().value;
		if (id !== otherId || (data !== otherData && !sameJson(data, otherData))) {
			return false;
		}
	}
	return true;
}

// ---------------------------------------------------------------------------------------
// Logs: confirmed state from the server's events, pending optimistic events, listeners

/**
 * One log as the page sees it: the confirmed state, built with the page's reducers from
 * the history (the base state, then the events after it, in order) and each append, and
 * the events this page dispatched that the server has not confirmed yet, replayed on top
 * in order to give the shown state. Shared by every handle of the same log.
 *
 * @param {string} name the log's name, also its channel
 * @param {Record<string, Function>} reducers the event types' reducers
 */
function createLogEntry(name, reducers) {
	let resolveReady;
	let rejectReady;
	const ready = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	// handled here so that a page that never awaits `ready` sees no unhandled rejection
	ready.catch(() => {});
	const entry = {
		kind: 'log',
		name,
		token: channelToken(name),
		users: 0,
		reducers,
		/** The sequence of the confirmed state: its last event's, or the base's. */
		sequence: undefined,
		confirmed: undefined,
		/** @type {PendingEvent[]} */
		pending: [],
		shown: undefined,
		received: false,
		/** After a reset, until the fresh history: appends until then are in it. */
		resetting: false,
		/** @type {Set<(state: unknown) => void>} */
		listeners: new Set(),
		ready,

		/** Recomputes the shown state and tells listeners when it changed, compared as JSON. */
		refresh() {
			if (!entry.received) {
				return;
			}
			const previous = entry.shown;
			entry.shown = entry.pending.reduce((state, event) => {
				try {
					return reduce(reducers, state, event);
				}
				catch {
					// the server will refuse it too: the page shows the state without it
					return state;
				}
			}, entry.confirmed);
			if (!sameJson(previous, entry.shown)) {
				for (const fn of [...entry.listeners]) {
					safeCall(fn, entry.shown);
				}
			}
		},

		/** A message of the log's channel, or the server's invalidate to this connection. */
		receive(message) {
			switch (message.op) {
				case 'history':
					onHistory(message);
					return;
				case 'append':
					onAppend(message);
					return;
				case 'invalidate':
					onInvalidate(message);
					return;
				default:
				// ops of later servers are ignored, as SSE ignores unknown fields
			}
		},

		/** Messages were missed for good: the fresh history that follows rebuilds the state. */
		reset() {
			entry.resetting = true;
		},

		/** Takes an event out of the shown state (refused, expired, or confirmed). */
		drop(event) {
			if (leave(event)) {
				entry.refresh();
			}
		},

		/**
		 * The server appended an event at `sequence`. When the confirmed state is past it
		 * already, a history without the event's id brought it (the server folded it into
		 * its base): the event leaves the pending ones; else its append is still to come.
		 */
		acknowledge(event, sequence) {
			if (typeof sequence !== 'number' || !entry.pending.includes(event)) {
				return;
			}
			if (entry.received && entry.sequence >= sequence) {
				entry.drop(event);
			}
			else {
				event.ackSequence = sequence;
			}
		},

		/** The subscription ended before the first history (handle closed, refused, client closed). */
		abandon(error) {
			if (!entry.received) {
				rejectReady(error);
			}
		},
	};

	function onHistory(message) {
		const base = isObject(message.base) ? message.base : {};
		const events = Array.isArray(message.events) ? message.events.filter(isObject) : [];
		let state = base.state;
		let sequence = typeof base.sequence === 'number' ? base.sequence : 0;
		for (const event of events) {
			state = applyConfirmed(state, event);
			sequence = typeof event.sequence === 'number' ? event.sequence : sequence + 1;
		}
		entry.confirmed = state;
		entry.sequence = sequence;
		entry.resetting = false;
		const inHistory = new Map(events.filter((event) => typeof event.eventId === 'string')
			.map((event) => [event.eventId, event.sequence]));
		for (const event of [...entry.pending]) {
			if (inHistory.has(event.eventId)) {
				leave(event);
				event.confirm(inHistory.get(event.eventId));
			}
			else if (event.ackSequence !== undefined && event.ackSequence <= sequence) {
				leave(event);
			}
		}
		const first = !entry.received;
		entry.received = true;
		entry.refresh();
		if (first) {
			resolveReady(entry.shown);
		}
	}

	function onAppend(message) {
		// before the (fresh) history, an append is in the history to come
		if (!entry.received || entry.resetting) {
			return;
		}
		// a resumed stream may repeat an append the state has
		if (typeof message.sequence !== 'number' || message.sequence > entry.sequence) {
			entry.confirmed = applyConfirmed(entry.confirmed, message);
			entry.sequence = typeof message.sequence === 'number' ? message.sequence : entry.sequence + 1;
		}
		for (const event of [...entry.pending]) {
			if (event.eventId === message.eventId) {
				leave(event);
				event.confirm(entry.sequence);
			}
			else if (event.ackSequence !== undefined && event.ackSequence <= entry.sequence) {
				leave(event);
			}
		}
		entry.refresh();
	}

	function onInvalidate(message) {
		const event = entry.pending.find((pending) => pending.eventId === message.eventId);
		if (event !== undefined) {
			event.refuse(typeof message.reason === 'string' ? message.reason : 'The server refused the event');
		}
	}

	/** A confirmed event: the server took it, so a reducer of the page that throws leaves the state as it was. */
	function applyConfirmed(state, event) {
		try {
			return reduce(reducers, state, event);
		}
		catch {
			return state;
		}
	}

	/** Removes an event from the pending ones; whether it was there. */
	function leave(event) {
		const index = entry.pending.indexOf(event);
		if (index < 0) {
			return false;
		}
		entry.pending.splice(index, 1);
		event.left();
		return true;
	}

	return entry;
}

/**
 * @typedef {object} PendingEvent
 * @property {string} eventId the event's id, sent in the body
 * @property {string} type the event type
 * @property {unknown} payload the payload, as sent
 * @property {string | null} dispatcher the page's principal name, for the reducers
 * @property {number | undefined} ackSequence the sequence the POST answered, once it did
 * @property {(sequence: number) => void} confirm resolves its promise: its append arrived
 * @property {(reason: string) => void} refuse rejects its promise: the server invalidated it
 * @property {() => void} left called when it leaves the pending events, to stop its timer
 */

/**
 * Applies one event with the log's reducers. A reducer gets copies of the state and the
 * payload, so it may change the state in place and return nothing, or return the next
 * state; it throws to refuse the event, as the server's handler does.
 */
function reduce(reducers, state, event) {
	const reducer = Object.hasOwn(reducers, event.type) ? reducers[event.type] : undefined;
	if (typeof reducer !== 'function') {
		throw new TypeError(`No reducer for events of type '${event.type}'`);
	}
	const copy = copyJson(state);
	const next = reducer(copy, event.dispatcher ?? null, copyJson(event.payload ?? null));
	return next === undefined ? copy : next;
}

function copyJson(value) {
	return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------
// Record sets: the server's records with their versions, pending optimistic actions

/** The `optimistic` of a record set read without one: actions show once the server answers. */
const NOT_OPTIMISTIC = (records) => records;

/**
 * One record set as the page sees it: per id, the highest version the server sent and the
 * record, or none once it is deleted (the version stays, so that an older entry that
 * arrives late cannot bring the record back); and the actions this page sent that the
 * server has not answered yet, applied on top with the page's `optimistic` function, in
 * order, to give the shown records. Shared by every handle of the same set.
 *
 * @param {string} name the record set's name, also its channel
 * @param {(records: any[], action: any) => any[]} optimistic the page's view of an action
 */
function createRecordsEntry(name, optimistic) {
	let resolveReady;
	let rejectReady;
	const ready = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	// handled here so that a page that never awaits `ready` sees no unhandled rejection
	ready.catch(() => {});
	const entry = {
		kind: 'records',
		name,
		token: channelToken(name),
		users: 0,
		optimistic,
		/** @type {Map<string, KnownRecord>} sorted by id, as the server lists them; deleted ones too */
		known: new Map(),
		/** The live records of the server, in id order. */
		confirmed: [],
		/** @type {PendingAction[]} */
		pending: [],
		/** The confirmed records with the pending actions applied: what the page shows. */
		shown: [],
		received: false,
		/** @type {Set<(records: unknown[]) => void>} */
		listeners: new Set(),
		ready,

		/** Recomputes the shown records and tells listeners when they changed. */
		refresh() {
			const next = entry.pending.reduce((records, pending) => applyOptimistic(optimistic, records, pending.action),
				entry.confirmed);
			if (!sameRecords(entry.shown, next)) {
				entry.shown = next;
				for (const fn of [...entry.listeners]) {
					safeCall(fn, next);
				}
			}
		},

		/** A message of the set's channel. */
		receive(message) {
			switch (message.op) {
				case 'snapshot':
					onSnapshot(recordEntries(message));
					return;
				case 'changes':
					onChanges(recordEntries(message), message.operationId);
					return;
				default:
				// ops of later servers are ignored, as SSE ignores unknown fields
			}
		},

		/** Messages were missed for good: the fresh snapshot that follows replaces every record. */
		reset() {
			// changes until then are applied by version, and the snapshot replaces them anyway
		},

		/** The POST's answer to an action: the records it changed, applied by version; it is confirmed. */
		answer(pending, entries) {
			applyEntries(entries);
			leave(pending);
			entry.refresh();
			pending.confirm(entries);
		},

		/** Takes an action out of the shown records (refused, failed or timed out). */
		drop(pending) {
			if (leave(pending)) {
				entry.refresh();
			}
		},

		/** The subscription ended before the first snapshot (handle closed, refused, client closed). */
		abandon(error) {
			if (!entry.received) {
				rejectReady(error);
			}
		},
	};

	function onSnapshot(entries) {
		entry.known = new Map();
		applyEntries(entries);
		entry.refresh();
		if (!entry.received) {
			entry.received = true;
			resolveReady(entry.shown);
		}
	}

	function onChanges(entries, id) {
		applyEntries(entries);
		const pending = entry.pending.find((action) => action.id === id);
		if (pending !== undefined) {
			leave(pending);
		}
		entry.refresh();
		pending?.confirm(entries);
	}

	/** Keeps each entry whose version is above the one known for its id. */
	function applyEntries(entries) {
		let added = false;
		let changed = false;
		for (const { id, version, deleted, record } of entries) {
			const known = entry.known.get(id);
			if (known !== undefined && version <= known.version) {
				continue;
			}
			added = added || known === undefined;
			changed = true;
			entry.known.set(id, deleted ? { version, deleted, record: undefined } : { version, deleted, record });
		}
		if (added) {
			entry.known = sortedById(entry.known);
		}
		if (changed) {
			entry.confirmed = [...entry.known.values()].filter((known) => !known.deleted).map((known) => known.record);
		}
	}

	/** Removes an action from the pending ones; whether it was there. */
	function leave(pending) {
		const index = entry.pending.indexOf(pending);
		if (index < 0) {
			return false;
		}
		entry.pending.splice(index, 1);
		return true;
	}

	return entry;
}

/**
 * @typedef {object} KnownRecord
 * @property {number} version the highest version the server sent of it
 * @property {boolean} deleted whether that version is a soft delete
 * @property {unknown} record the record, `undefined` once deleted
 */

/**
 * @typedef {object} PendingAction
 * @property {string} id the operation id, sent as `Idempotency-Key`
 * @property {unknown} action the action, as sent
 * @property {(entries: RecordEntry[]) => void} confirm resolves its promise: the server applied it
 */

/**
 * @typedef {object} RecordEntry
 * @property {string} id the record's id
 * @property {number} version its version
 * @property {boolean} deleted whether it is soft-deleted
 * @property {unknown} [record] the record, absent when deleted
 */

/** The entries of a snapshot, `changes` event or action answer: `{records: [{id, version, record | deleted}]}`. */
function recordEntries(message) {
	const entries = isObject(message) && Array.isArray(message.records) ? message.records : [];
	return entries.filter((entry) => isObject(entry) && entry.id != null).map((entry) => {
		const deleted = entry.deleted === true;
		const version = typeof entry.version === 'number' ? entry.version : 0;
		return deleted ? { id: String(entry.id), version, deleted } : { id: String(entry.id), version, deleted, record: entry.record };
	});
}

/**
 * Applies one pending action with the page's `optimistic` function, which gets copies, so
 * that it may change the records in place and return them. One that throws or returns no
 * array leaves the records as they were: the server decides.
 */
function applyOptimistic(optimistic, records, action) {
	try {
		const next = optimistic(copyJson(records), copyJson(action));
		return Array.isArray(next) ? next : records;
	}
	catch {
		return records;
	}
}

/** Whether two record arrays show the same: the same records in order, compared as JSON. */
function sameRecords(a, b) {
	if (a === b) {
		return true;
	}
	return a.length === b.length && a.every((record, i) => record === b[i] || sameJson(record, b[i]));
}

// ---------------------------------------------------------------------------------------
// Presence: who listens to a channel, from its presence channel

/**
 * One channel's members as the page sees them, from the server's `presence/<channel>`
 * channel: a set keyed by member id, in join order. A snapshot (on joining, and after a
 * `reset`) replaces it; a `join` adds a member it does not hold yet (the same join may
 * show in the snapshot and then as a `join`); a `leave` removes one. Shared by every
 * handle of the same channel.
 *
 * @param {string} channel the channel whose members it shows
 */
function createPresenceEntry(channel) {
	let resolveReady;
	let rejectReady;
	const ready = new Promise((resolve, reject) => {
		resolveReady = resolve;
		rejectReady = reject;
	});
	// handled here so that a page that never awaits `ready` sees no unhandled rejection
	ready.catch(() => {});
	const entry = {
		kind: 'presence',
		name: presenceChannel(channel),
		token: channelToken(presenceChannel(channel)),
		users: 0,
		channel,
		/** @type {Map<string, PresenceMember>} by id, in join order */
		members: new Map(),
		/** The members as an array, in join order: a new one on each change. */
		shown: [],
		received: false,
		/** After a reset, until the fresh snapshot: joins and leaves until then are in it. */
		resetting: false,
		/** @type {Set<(members: PresenceMember[]) => void>} */
		listeners: new Set(),
		ready,

		/** A message of the presence channel. */
		receive(message) {
			switch (message.op) {
				case 'snapshot':
					onSnapshot(Array.isArray(message.members) ? message.members : []);
					return;
				case 'join':
					onJoin(presenceMember(message.member));
					return;
				case 'leave':
					onLeave(presenceMember(message.member));
					return;
				default:
				// ops of later servers are ignored, as SSE ignores unknown fields
			}
		},

		/** Joins and leaves were missed for good: the fresh snapshot that follows replaces the members. */
		reset() {
			entry.resetting = true;
		},

		/** The subscription ended before the first snapshot (handle closed, refused, client closed). */
		abandon(error) {
			if (!entry.received) {
				rejectReady(error);
			}
		},
	};

	function onSnapshot(members) {
		entry.members = new Map();
		for (const member of members.map(presenceMember)) {
			if (member !== null && !entry.members.has(member.id)) {
				entry.members.set(member.id, member);
			}
		}
		entry.resetting = false;
		publish();
		if (!entry.received) {
			entry.received = true;
			resolveReady(entry.shown);
		}
	}

	function onJoin(member) {
		// before the (fresh) snapshot, a join is in the snapshot to come
		if (member === null || !entry.received || entry.resetting || entry.members.has(member.id)) {
			return;
		}
		entry.members.set(member.id, member);
		publish();
	}

	function onLeave(member) {
		if (member === null || !entry.received || entry.resetting || !entry.members.delete(member.id)) {
			return;
		}
		publish();
	}

	/** Shows the members as a new array and tells the listeners. */
	function publish() {
		entry.shown = [...entry.members.values()];
		for (const fn of [...entry.listeners]) {
			safeCall(fn, entry.shown);
		}
	}

	return entry;
}

/**
 * @typedef {object} PresenceMember
 * @property {string} id the member's id: derived from its connection's id, which stays with the server
 * @property {string} principal the name of its principal
 * @property {number} joinedAt when it joined, in ms since the epoch
 */

/** The channel that shows a channel's members. */
function presenceChannel(channel) {
	return `presence/${channel}`;
}

/** A member as the server sends it, `{id, principal, joinedAt}`; `null` when it has no id. */
function presenceMember(member) {
	if (!isObject(member) || typeof member.id !== 'string' || member.id === '') {
		return null;
	}
	return Object.freeze({
		id: member.id,
		principal: typeof member.principal === 'string' ? member.principal : '',
		joinedAt: typeof member.joinedAt === 'number' ? member.joinedAt : 0,
	});
}

// ---------------------------------------------------------------------------------------
// Writes and handles

/**
 * @typedef {(path: string, contentType: string, body: string, key: string | null, signal: AbortSignal)
 *   => Promise<{error?: EvWriteError, answer?: any}>} Post
 */

/**
 * The POST of every write: under the endpoint's path, with the token as a header (query
 * tokens would reach logs) and the operation id as `Idempotency-Key` (a log event carries
 * its id in the body instead), sent once more after a network error since the server
 * applies an id once.
 *
 * @param {{fetchFn: Function, base: {path: string, query: string}, resolveToken: () => Promise<string | undefined>}} settings
 * @returns {Post}
 */
function createPost({ fetchFn, base, resolveToken }) {
	return async function post(path, contentType, body, key, signal) {
		const headers = { 'Content-Type': contentType, Accept: 'application/json' };
		if (key !== null) {
			headers['Idempotency-Key'] = key;
		}
		try {
			const bearer = await resolveToken();
			if (bearer) {
				headers.Authorization = `Bearer ${bearer}`;
			}
		}
		catch (error) {
			return { error: new EvWriteError(0, clientProblem('No token', String(error?.message ?? error))) };
		}
		const target = withQuery(`${base.path}${path}`, [base.query]);
		for (let tries = 1; ; tries++) {
			let response;
			try {
				response = await fetchFn(target, { method: 'POST', headers, body, signal });
			}
			catch (error) {
				if (tries < 2 && !signal.aborted) {
					continue;
				}
				return { error: new EvWriteError(0, clientProblem('Network error', String(error?.message ?? error))) };
			}
			if (!response.ok) {
				return { error: new EvWriteError(response.status, await readProblem(response)) };
			}
			return { answer: await response.json().catch(() => ({})) };
		}
	};
}

function closedError() {
	return new EvWriteError(0, clientProblem('Closed', 'This evstream client is closed'));
}

/**
 * The life of one optimistic write: its promise, the signal of its request, and its ends.
 * `succeed` resolves it; `fail` takes it out of the shown value with `drop` (except after
 * close, when listeners hear nothing more) and rejects it. No answer within
 * `writeTimeout`, or the client's close, fails it and aborts its request. Only the first
 * end counts.
 *
 * @param {{writeTimeout: number, lifetime: AbortSignal}} settings
 * @param {() => void} drop takes the write out of its entry's pending ones
 */
function trackWrite({ writeTimeout, lifetime }, drop) {
	const controller = new AbortController();
	let resolve;
	let reject;
	const promise = new Promise((res, rej) => {
		resolve = res;
		reject = rej;
	});
	let settled = false;
	const timer = setTimeout(() => {
		fail(new EvWriteError(0, clientProblem('Timeout', `The server did not answer the write within ${writeTimeout} ms`)));
		controller.abort();
	}, writeTimeout);
	const onClose = () => {
		fail(closedError());
		controller.abort();
	};
	lifetime.addEventListener('abort', onClose, { once: true });

	function end() {
		clearTimeout(timer);
		lifetime.removeEventListener('abort', onClose);
	}

	function fail(error) {
		end();
		if (!lifetime.aborted) {
			drop();
		}
		if (!settled) {
			settled = true;
			reject(error);
		}
	}

	return {
		promise,
		signal: controller.signal,
		fail,
		succeed(result) {
			end();
			if (!settled) {
				settled = true;
				resolve(result);
			}
		},
		/** The write left the shown value confirmed: its answer may take its time. */
		stopTimer() {
			clearTimeout(timer);
		},
	};
}

/**
 * State writes: each merge patch is shown at once (pending on its state entry) and POSTed
 * with an operation id; the entry drops it when the stream or the answer confirms it, or
 * when it is refused, fails or times out, which also rejects its promise.
 *
 * @param {{post: Post, writeTimeout: number, lifetime: AbortSignal}} settings
 * @returns {(entry: ReturnType<typeof createStateEntry>, patch: unknown) => Promise<{version: number, value: unknown}>}
 */
function createWriter({ post, writeTimeout, lifetime }) {
	function write(entry, patch) {
		if (lifetime.aborted) {
			return Promise.reject(closedError());
		}
		if (entry.removed) {
			return Promise.reject(removedError(entry.name));
		}
		const body = JSON.stringify(patch);
		if (body === undefined) {
			return Promise.reject(new TypeError('The patch must be a JSON value'));
		}
		/** @type {PendingWrite} */
		const pending = {
			id: operationId(),
			patch: JSON.parse(body),
			ackVersion: undefined,
			settle(error, result) {
				error ? tracked.fail(error) : tracked.succeed(result);
			},
		};
		const tracked = trackWrite({ writeTimeout, lifetime }, () => entry.drop(pending));
		entry.pending.push(pending);
		entry.refresh();
		postWrite(entry, pending, body, tracked.signal).then((outcome) => {
			if (outcome.error) {
				tracked.fail(outcome.error);
				return;
			}
			pending.ackVersion = outcome.version;
			tracked.succeed({ version: outcome.version, value: outcome.value });
			// without a version to wait for, the answer itself confirms the write
			if (typeof outcome.version !== 'number' || (entry.version !== undefined && entry.version >= outcome.version)) {
				entry.drop(pending);
			}
		});
		return tracked.promise;
	}

	/**
	 * POSTs a state's merge patch; the answer carries the version and value after it.
	 * @returns {Promise<{error?: EvWriteError, version?: number, value?: unknown}>}
	 */
	async function postWrite(entry, pending, body, signal) {
		const outcome = await post(`/states/${encodeURIComponent(entry.name)}`, 'application/merge-patch+json', body, pending.id, signal);
		return outcome.error ? outcome : { version: outcome.answer.version, value: outcome.answer.value };
	}

	return write;
}

/**
 * One user's handle on a shared state entry: its listeners go when it closes, and the
 * entry's subscription goes with its last user.
 */
function createStateHandle(entry, write, release) {
	const own = new Set();
	const byId = new Map();
	let closed = false;

	function listen(properties, fn) {
		const listener = { properties, fn };
		if (!closed) {
			own.add(listener);
			entry.listeners.add(listener);
		}
		return () => {
			own.delete(listener);
			entry.listeners.delete(listener);
		};
	}

	return {
		key: entry.name,
		get value() {
			return entry.shown;
		},
		get version() {
			return entry.version;
		},
		get removed() {
			return entry.removed;
		},
		ready: entry.ready,
		subscribe(properties, fn) {
			return typeof properties === 'function' ? listen(null, properties) : listen([...properties], fn);
		},
		addStateUpdateListener(id, fn, properties) {
			byId.get(id)?.();
			byId.set(id, listen(properties ? [...properties] : null, fn));
		},
		removeStateUpdateListener(id) {
			byId.get(id)?.();
			byId.delete(id);
		},
		update(patch) {
			return write(entry, patch);
		},
		close() {
			if (!closed) {
				closed = true;
				for (const listener of own) {
					entry.listeners.delete(listener);
				}
				own.clear();
				byId.clear();
				release(entry);
			}
		},
	};
}

/**
 * The removals of what a handle added (listeners), run once when it closes; one owned
 * after that runs at once. `end` says whether this call closed it.
 */
function createOwnership() {
	const offs = new Set();
	let closed = false;

	function own(off) {
		if (closed) {
			off();
			return () => {};
		}
		const once = () => {
			offs.delete(once);
			off();
		};
		offs.add(once);
		return once;
	}

	return {
		get closed() {
			return closed;
		},
		own,
		/**
		 * Adds `fn` to a shared entry's listeners while the handle is open, and calls it at
		 * once with `current()` unless that is undefined (nothing received yet).
		 */
		listen(listeners, fn, current) {
			// a listener of its own, so that the same fn subscribed twice unsubscribes once
			const listener = (value) => fn(value);
			const off = own(() => listeners.delete(listener));
			if (!closed) {
				listeners.add(listener);
				const value = current();
				if (value !== undefined) {
					safeCall(listener, value);
				}
			}
			return off;
		},
		end() {
			if (closed) {
				return false;
			}
			closed = true;
			for (const off of [...offs]) {
				off();
			}
			return true;
		},
	};
}

/** One user's handle on a shared channel entry, as for states. */
function createChannelHandle(entry, release) {
	const { own, end } = createOwnership();

	return {
		name: entry.name,
		on(type, fn) {
			return own(addTo(entry.listeners, type, fn));
		},
		onReset(fn) {
			entry.resetListeners.add(fn);
			return own(() => entry.resetListeners.delete(fn));
		},
		close() {
			if (end()) {
				release(entry);
			}
		},
	};
}

/**
 * Collection writes: each op is shown at once (pending on its group's entry) and POSTed
 * with an operation id. The entry drops it when its change event arrives (or a snapshot
 * holds it), or when it is refused, fails or times out, which also rejects its promise.
 * The promise resolves with the server's answer; an answered op whose event has not come
 * within `writeTimeout` changed nothing the stream would show (a delete of a missing
 * item), so it leaves the pending ops then.
 *
 * @param {{post: Post, writeTimeout: number, lifetime: AbortSignal}} settings
 * @returns {(entry: ReturnType<typeof createCollectionEntry>, itemId: string, body: PendingOp['body']) => Promise<unknown>}
 */
function createCollectionWriter({ post, writeTimeout, lifetime }) {
	return function write(entry, itemId, body) {
		if (lifetime.aborted) {
			return Promise.reject(closedError());
		}
		if (typeof itemId !== 'string' || !ITEM_ID.test(itemId)) {
			return Promise.reject(new TypeError(`'${itemId}' is not an item id: 1 to 128 of A-Z a-z 0-9 _ . : @ -`));
		}
		const text = JSON.stringify(body);
		if (text === undefined || (body.op === 'set' && body.data === undefined)) {
			return Promise.reject(new TypeError('The item must be a JSON value'));
		}
		/** Once answered: the wait for its change event. */
		let awaiting;
		/** @type {PendingOp} */
		const op = {
			id: operationId(),
			itemId,
			body: JSON.parse(text),
			epoch: entry.epoch,
			acked: false,
			left() {
				tracked.stopTimer();
				clearTimeout(awaiting);
			},
		};
		const tracked = trackWrite({ writeTimeout, lifetime }, () => entry.drop(op));
		entry.pending.push(op);
		entry.refresh();
		post(collectionPath(entry, itemId), 'application/json', text, op.id, tracked.signal).then((outcome) => {
			if (outcome.error) {
				tracked.fail(outcome.error);
				return;
			}
			tracked.succeed(outcome.answer?.data ?? null);
			if (entry.acknowledge(op)) {
				awaiting = setTimeout(() => lifetime.aborted || entry.drop(op), writeTimeout);
			}
		});
		return tracked.promise;
	};
}

function collectionPath(entry, itemId) {
	return `/collections/${encodeURIComponent(entry.stream)}/${encodeURIComponent(entry.group)}/${encodeURIComponent(itemId)}`;
}

/** One user's handle on a shared collection entry: its listeners go when it closes. */
function createCollectionHandle(entry, write, release) {
	const ownership = createOwnership();
	const { own, end } = ownership;

	return {
		stream: entry.stream,
		group: entry.group,
		get items() {
			return entry.shown;
		},
		ready: entry.ready,
		subscribe(fn) {
			return ownership.listen(entry.listeners, fn, () => entry.shown);
		},
		on(type, fn) {
			return own(addTo(entry.eventListeners, type, fn));
		},
		set(id, data) {
			return write(entry, id, { op: 'set', data });
		},
		update(id, updateOps) {
			if (!Array.isArray(updateOps)) {
				return Promise.reject(new TypeError('The update ops must be an array'));
			}
			return write(entry, id, { op: 'update', ops: updateOps });
		},
		delete(id) {
			return write(entry, id, { op: 'delete' }).then(() => undefined);
		},
		close() {
			if (end()) {
				release(entry);
			}
		},
	};
}

/**
 * Log events: each is shown at once (pending on its log's entry, replayed on the confirmed
 * state) and POSTed with its event id and the connection's id, so that the server's
 * refusal reaches the page as an `invalidate` as well as in the answer. The entry drops it
 * when its append arrives (which resolves its promise), when the server invalidates or
 * refuses it, or when the POST fails or times out (which reject it), or after
 * `optimisticSeconds` without its append: the page then shows the confirmed state, which
 * the append brings the event into if the server took it late.
 *
 * @param {{post: Post, writeTimeout: number, lifetime: AbortSignal, connectionId: () => string | null}} settings
 * @returns {(entry: ReturnType<typeof createLogEntry>, type: string, payload: unknown, dispatcher: string | null,
 *   optimisticSeconds: number) => Promise<number>}
 */
function createLogDispatcher({ post, writeTimeout, lifetime, connectionId }) {
	return function dispatch(entry, type, payload, dispatcher, optimisticSeconds) {
		if (lifetime.aborted) {
			return Promise.reject(closedError());
		}
		if (typeof type !== 'string' || type === '') {
			return Promise.reject(new TypeError('An event type must be a non-empty string'));
		}
		const eventId = operationId();
		const sent = { type, payload: payload === undefined ? null : payload, eventId };
		const connection = connectionId();
		if (connection !== null) {
			sent.connectionId = connection;
		}
		let text;
		try {
			text = JSON.stringify(sent);
		}
		catch (error) {
			return Promise.reject(new TypeError(`The payload must be a JSON value: ${error?.message ?? error}`));
		}
		let expiry;
		/** @type {PendingEvent} */
		const event = {
			eventId,
			type,
			payload: JSON.parse(text).payload ?? null,
			dispatcher,
			ackSequence: undefined,
			confirm(sequence) {
				tracked.succeed(sequence);
			},
			refuse(reason) {
				tracked.fail(new EvWriteError(422, { status: 422, title: 'Unprocessable Content', detail: reason }));
			},
			left() {
				clearTimeout(expiry);
			},
		};
		const tracked = trackWrite({ writeTimeout, lifetime }, () => entry.drop(event));
		expiry = setTimeout(() => lifetime.aborted || entry.drop(event), optimisticSeconds * 1000);
		entry.pending.push(event);
		entry.refresh();
		post(`/logs/${encodeURIComponent(entry.name)}`, 'application/json', text, null, tracked.signal).then((outcome) => {
			if (outcome.error) {
				tracked.fail(outcome.error);
				return;
			}
			const sequence = outcome.answer?.sequence;
			tracked.succeed(sequence);
			entry.acknowledge(event, sequence);
		});
		return tracked.promise;
	};
}

/** One user's handle on a shared log entry: its listeners go when it closes. */
function createLogHandle(entry, dispatch, release, dispatcher, optimisticSeconds) {
	const ownership = createOwnership();

	return {
		name: entry.name,
		get state() {
			return entry.shown;
		},
		get confirmed() {
			return entry.confirmed;
		},
		get sequence() {
			return entry.sequence;
		},
		ready: entry.ready,
		subscribe(fn) {
			return ownership.listen(entry.listeners, fn, () => (entry.received ? entry.shown : undefined));
		},
		dispatch(type, payload) {
			return dispatch(entry, type, payload, dispatcher, optimisticSeconds);
		},
		close() {
			if (ownership.end()) {
				release(entry);
			}
		},
	};
}

/**
 * Record set actions: each is applied at once with the set's `optimistic` function
 * (pending on its entry) and POSTed to `{url}/actions/{name}` with an operation id as
 * `Idempotency-Key`. It leaves the pending ones when the `changes` event carrying its
 * operation id arrives, or the POST answers with the records it changed (both applied by
 * version), which resolves its promise with those entries; it is rolled back when it is
 * refused, fails or times out, which rejects its promise.
 *
 * @param {{post: Post, writeTimeout: number, lifetime: AbortSignal}} settings
 * @returns {(entry: ReturnType<typeof createRecordsEntry>, action: unknown) => Promise<RecordEntry[]>}
 */
function createActionSender({ post, writeTimeout, lifetime }) {
	return function send(entry, action) {
		if (lifetime.aborted) {
			return Promise.reject(closedError());
		}
		const text = JSON.stringify(action);
		if (text === undefined) {
			return Promise.reject(new TypeError('The action must be a JSON value'));
		}
		/** @type {PendingAction} */
		const pending = {
			id: operationId(),
			action: JSON.parse(text),
			confirm(entries) {
				tracked.succeed(entries);
			},
		};
		const tracked = trackWrite({ writeTimeout, lifetime }, () => entry.drop(pending));
		entry.pending.push(pending);
		entry.refresh();
		post(`/actions/${encodeURIComponent(entry.name)}`, 'application/json', text, pending.id, tracked.signal).then((outcome) => {
			if (outcome.error) {
				tracked.fail(outcome.error);
				return;
			}
			entry.answer(pending, recordEntries(outcome.answer));
		});
		return tracked.promise;
	};
}

/** One user's handle on a shared record set entry: its listeners go when it closes. */
function createRecordsHandle(entry, send, release) {
	const ownership = createOwnership();

	return {
		name: entry.name,
		get records() {
			return entry.shown;
		},
		ready: entry.ready,
		subscribe(fn) {
			return ownership.listen(entry.listeners, fn, () => entry.shown);
		},
		send(action) {
			return send(entry, action);
		},
		close() {
			if (ownership.end()) {
				release(entry);
			}
		},
	};
}

/** One user's handle on a shared presence entry: its listeners go when it closes. */
function createPresenceHandle(entry, release) {
	const ownership = createOwnership();

	return {
		channel: entry.channel,
		get members() {
			return entry.shown;
		},
		ready: entry.ready,
		subscribe(fn) {
			return ownership.listen(entry.listeners, fn, () => entry.shown);
		},
		close() {
			if (ownership.end()) {
				release(entry);
			}
		},
	};
}

// ---------------------------------------------------------------------------------------
// The client

/**
 * Opens the page's evstream connection. The stream is requested in a microtask, so the
 * states and channels asked for right after `connect` are part of the first request;
 * later ones are added to the open connection. No request is made while there is
 * nothing to listen to.
 *
 * With `tickets: true`, each stream request (the first and every reconnect) is preceded
 * by `POST {url}/tickets` (JSON `{}`, the token as writes send it, fetch's default
 * credentials), and carries the answered single-use `ticket=` in its query instead of
 * the token. This is for servers with `evstream.transport=route`, whose streams no
 * WebFilter (Spring Security included) sees: the ticket endpoint is guarded as the
 * stream was. A refused ticket is handled as a refused stream of that status.
 *
 * @param {import('./client.js').ConnectOptions} [options]
 * @returns {import('./client.js').EvClient} the client
 */
export function connect(options = {}) {
	const {
		url = '/evstream',
		token,
		tokenIn = 'header',
		tokenParam = 'token',
		tickets = false,
		channels = [],
		backoff: backoffOptions = {},
		writeTimeout = DEFAULT_WRITE_TIMEOUT,
		fetch: fetchFn = (input, init) => globalThis.fetch(input, init),
	} = options;
	if (tokenIn !== 'header' && tokenIn !== 'query') {
		throw new TypeError(`'tokenIn' must be 'header' or 'query', not '${tokenIn}'`);
	}
	if (typeof tickets !== 'boolean') {
		throw new TypeError(`'tickets' must be true or false, not '${tickets}'`);
	}
	const base = splitUrl(url);
	const backoff = createBackoff(backoffOptions);
	/** Aborted by close(): every request, timer and wait of the client listens to it. */
	const lifetime = new AbortController();
	/** @type {Map<string, ReturnType<typeof createStateEntry> | ReturnType<typeof createChannelEntry> | ReturnType<typeof createCollectionEntry> | ReturnType<typeof createLogEntry> | ReturnType<typeof createRecordsEntry> | ReturnType<typeof createPresenceEntry>>} */
	const subscriptions = new Map();
	const statusListeners = new Set();
	const errorListeners = new Set();
	/** Direct messages: events of the connection that belong to no channel. */
	const directListeners = new Map();
	const post = createPost({ fetchFn, base, resolveToken });
	const write = createWriter({ post, writeTimeout, lifetime: lifetime.signal });
	const writeItem = createCollectionWriter({ post, writeTimeout, lifetime: lifetime.signal });
	const dispatchEvent = createLogDispatcher({ post, writeTimeout, lifetime: lifetime.signal, connectionId: () => connectionId });
	const sendAction = createActionSender({ post, writeTimeout, lifetime: lifetime.signal });

	/** @type {'connecting' | 'open' | 'reconnecting' | 'closed'} */
	let status = 'connecting';
	let connectionId = null;
	let lastEventId = '';
	let heartbeat = DEFAULT_HEARTBEAT;
	/** The channels the server has for the open connection. */
	let serverChannels = null;
	/** The attempt in progress: its abort controller and whether to reconnect at once. */
	let attempt = null;
	let wakeIdle = null;
	let syncScheduled = false;
	let syncing = false;
	/** Counts subscription changes, so that a sync repeats only when one happened meanwhile. */
	let generation = 0;

	function setStatus(next) {
		if (status !== next) {
			status = next;
			for (const fn of [...statusListeners]) {
				safeCall(fn, next);
			}
		}
	}

	function reportError(error) {
		for (const fn of [...errorListeners]) {
			safeCall(fn, error);
		}
	}

	async function resolveToken() {
		return typeof token === 'function' ? await token() : token;
	}

	// --- the connection loop -----------------------------------------------------------

	async function run() {
		while (!lifetime.signal.aborted) {
			if (subscriptions.size === 0) {
				setStatus('connecting');
				await new Promise((resolve) => {
					wakeIdle = resolve;
					lifetime.signal.addEventListener('abort', resolve, { once: true });
				});
				wakeIdle = null;
				continue;
			}
			const outcome = await openStream();
			connectionId = null;
			serverChannels = null;
			if (lifetime.signal.aborted) {
				return;
			}
			if (outcome.fatal) {
				shutDown(outcome.error);
				reportError(outcome.error);
				return;
			}
			if (outcome.error) {
				reportError(outcome.error);
			}
			if (subscriptions.size === 0) {
				continue;
			}
			setStatus('reconnecting');
			if (!outcome.immediate) {
				await sleep(Math.max(backoff.next(), outcome.retryAfter ?? 0), lifetime.signal);
			}
		}
	}

	/**
	 * One connection, from request to end. Resolves with what ended it: `fatal` (stop),
	 * `error` (report, retry), `immediate` (reconnect without waiting), `retryAfter`.
	 */
	async function openStream() {
		const controller = new AbortController();
		const current = { controller, immediate: false, silent: false, ended: false };
		attempt = current;
		const abort = () => controller.abort();
		lifetime.signal.addEventListener('abort', abort, { once: true });
		// the watchdog also covers a request that hangs before its headers
		const watchdog = createWatchdog(2 * heartbeat, () => {
			current.silent = true;
			controller.abort();
		});
		try {
			const response = await request(controller.signal);
			watchdog.kick();
			if (!response.ok) {
				const problem = await readProblem(response);
				const error = new EvError(response.status, problem);
				const fatal = response.status === 400 || response.status === 401 || response.status === 403;
				return { fatal, error, retryAfter: retryAfterMs(response) };
			}
			await read(response, current, watchdog);
			return { immediate: current.immediate };
		}
		catch (error) {
			if (current.silent) {
				return { error: new EvError(0, clientProblem('Heartbeat timeout', `No bytes from the server for ${2 * heartbeat} ms`)) };
			}
			if (isAbort(error)) {
				return { immediate: current.immediate };
			}
			return { error: new EvError(0, clientProblem('Connection failed', String(error?.message ?? error))) };
		}
		finally {
			watchdog.stop();
			lifetime.signal.removeEventListener('abort', abort);
			controller.abort();
			attempt = null;
		}
	}

	/**
	 * The stream request, or the refused ticket request before it: either way a response
	 * that `openStream` treats alike, so that a refused ticket is reported, retried or fatal
	 * as a refused stream of that status is.
	 */
	async function request(signal) {
		const headers = { Accept: 'text/event-stream' };
		const params = [...subscriptions.keys()].map((name) => `channel=${encodeURIComponent(name)}`);
		if (tickets) {
			const answer = await askTicket(signal);
			if (answer.refused) {
				return answer.refused;
			}
			// the ticket stands for the token: the stream request carries neither header nor token
			params.push(`ticket=${encodeURIComponent(answer.ticket)}`);
		}
		else {
			await addToken(headers, params);
		}
		if (lastEventId) {
			headers['Last-Event-ID'] = lastEventId;
		}
		return fetchFn(withQuery(base.path, [base.query, ...params]), { headers, signal, cache: 'no-store' });
	}

	async function addToken(headers, params) {
		const bearer = await resolveToken();
		if (bearer && tokenIn === 'header') {
			headers.Authorization = `Bearer ${bearer}`;
		}
		if (bearer && tokenIn === 'query') {
			params.push(`${encodeURIComponent(tokenParam)}=${encodeURIComponent(bearer)}`);
		}
	}

	/**
	 * Asks `{url}/tickets` for a single-use connection ticket, with the token as writes
	 * send it and fetch's default credentials (the page's cookies or Basic login), which is
	 * how the server learns whose ticket it is. Resolves with `ticket`, or with the
	 * `refused` response; a network error or abort rejects, as the stream's fetch does.
	 */
	async function askTicket(signal) {
		const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
		const bearer = await resolveToken();
		if (bearer) {
			headers.Authorization = `Bearer ${bearer}`;
		}
		const response = await fetchFn(withQuery(`${base.path}/tickets`, [base.query]), {
			method: 'POST',
			headers,
			body: '{}',
			signal,
			cache: 'no-store',
		});
		if (!response.ok) {
			return { refused: response };
		}
		const answer = await response.json();
		if (!isObject(answer) || typeof answer.ticket !== 'string' || answer.ticket === '') {
			throw new Error('The ticket answer has no ticket');
		}
		return { ticket: answer.ticket };
	}

	async function read(response, current, watchdog) {
		if (!response.body) {
			throw new Error('The response has no body to read');
		}
		const ids = createIdTracker();
		const parser = createSseParser(lastEventId, (event) => {
			lastEventId = event.id;
			dispatch(event, ids.advance(event.id), current, watchdog);
		}, (ms) => backoff.serverRetry(ms));
		const reader = response.body.getReader();
		try {
			while (!current.ended) {
				const { done, value } = await reader.read();
				if (done) {
					return;
				}
				watchdog.kick();
				parser.push(value);
				lastEventId = parser.lastEventId;
			}
		}
		finally {
			reader.cancel().catch(() => {});
		}
	}

	function dispatch(event, tokens, current, watchdog) {
		if (lifetime.signal.aborted || attempt !== current) {
			return;
		}
		switch (event.type) {
			case 'connected':
				onConnected(parseData(event.data), watchdog);
				return;
			case 'heartbeat':
				return;
			case 'end':
				current.ended = true;
				return;
			case 'reset': {
				const reset = parseData(event.data);
				const subscription = subscriptions.get(reset?.channel);
				// a state's fresh snapshot follows its reset and replaces its value: nothing to do
				if (subscription !== undefined && subscription.kind !== 'state') {
					subscription.reset(reset.reason);
				}
				return;
			}
			default:
				route(event, tokens);
		}
	}

	function onConnected(data, watchdog) {
		const info = isObject(data) ? data : {};
		connectionId = info.connectionId ?? null;
		serverChannels = new Set(info.channels ?? []);
		if (typeof info.heartbeat === 'number' && info.heartbeat > 0) {
			heartbeat = info.heartbeat;
			watchdog.setLimit(2 * heartbeat);
		}
		backoff.reset();
		setStatus('open');
		// subscriptions changed while the request was on its way
		scheduleSync();
	}

	function route(event, tokens) {
		const subscription = attribute(event.type, tokens, subscriptions);
		if (subscription === null) {
			const fns = directListeners.get(event.type);
			const data = fns ? parseData(event.data) : undefined;
			for (const fn of fns ? [...fns] : []) {
				safeCall(fn, data, event);
			}
			return;
		}
		if (subscription.kind === 'channel') {
			subscription.receive(event);
			return;
		}
		const message = parseData(event.data);
		if (isObject(message)) {
			subscription.receive(message);
		}
	}

	/** Ends the current connection; the loop reconnects at once, with every subscription. */
	function reconnectNow() {
		// no subscription request may use this connection any more
		connectionId = null;
		serverChannels = null;
		if (attempt !== null) {
			attempt.immediate = true;
			attempt.controller.abort();
		}
	}

	// --- subscriptions -----------------------------------------------------------------

	function scheduleSync() {
		generation++;
		if (!syncScheduled) {
			syncScheduled = true;
			// adds and removes made in the same tick go in one request
			queueMicrotask(() => {
				syncScheduled = false;
				sync();
			});
		}
	}

	/** Brings the server's channels of the open connection in line with the page's. */
	async function sync() {
		if (lifetime.signal.aborted) {
			return;
		}
		if (subscriptions.size === 0) {
			// nothing to listen to: the loop waits without a connection
			reconnectNow();
			return;
		}
		if (wakeIdle !== null) {
			wakeIdle();
			return;
		}
		if (status !== 'open' || syncing || serverChannels === null) {
			// a connection in progress asks for every subscription, or syncs on `connected`
			return;
		}
		const add = [...subscriptions.keys()].filter((name) => !serverChannels.has(name));
		const remove = [...serverChannels].filter((name) => !subscriptions.has(name));
		if (add.length === 0 && remove.length === 0) {
			return;
		}
		syncing = true;
		const sentAt = generation;
		const sentFor = connectionId;
		try {
			await postSubscriptions(sentFor, add, remove);
		}
		finally {
			syncing = false;
		}
		if (generation !== sentAt && connectionId !== null) {
			sync();
		}
	}

	async function postSubscriptions(id, add, remove) {
		let response;
		try {
			const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
			const bearer = await resolveToken();
			if (bearer) {
				headers.Authorization = `Bearer ${bearer}`;
			}
			response = await fetchFn(withQuery(`${base.path}/subscriptions`, [base.query]), {
				method: 'POST',
				headers,
				body: JSON.stringify({ connectionId: id, add, remove }),
				signal: lifetime.signal,
			});
		}
		catch (error) {
			if (!isAbort(error)) {
				reportError(new EvError(0, clientProblem('Subscription failed', String(error?.message ?? error))));
				reconnectIf(id);
			}
			return;
		}
		if (response.ok) {
			const body = await response.json().catch(() => ({}));
			if (connectionId === id && Array.isArray(body.channels)) {
				serverChannels = new Set(body.channels);
			}
			return;
		}
		const problem = await readProblem(response);
		if (response.status === 400 || response.status === 403) {
			refuse(add, new EvError(response.status, problem));
			if (remove.length === 0) {
				return;
			}
		}
		else if (response.status !== 404) {
			// 404 is expected (the connection lives on another replica): no error to report
			reportError(new EvError(response.status, problem));
		}
		reconnectIf(id);
	}

	function reconnectIf(id) {
		if (connectionId === id) {
			reconnectNow();
		}
	}

	/** Channels the server will not add: dropped, so that reconnects do not ask again. */
	function refuse(names, error) {
		for (const name of names) {
			const subscription = subscriptions.get(name);
			if (subscription !== undefined) {
				subscriptions.delete(name);
				subscription.abandon(error);
			}
		}
		reportError(error);
	}

	function hold(name, create, kind) {
		if (lifetime.signal.aborted) {
			throw new Error('This evstream client is closed');
		}
		let subscription = subscriptions.get(name);
		if (subscription === undefined) {
			subscription = create();
			subscriptions.set(name, subscription);
			scheduleSync();
		}
		else if (subscription.kind !== kind) {
			throw new TypeError(`'${name}' is already used as a ${subscription.kind}, not a ${kind}`);
		}
		subscription.users++;
		return subscription;
	}

	function release(subscription) {
		subscription.users--;
		if (subscription.users === 0 && subscriptions.get(subscription.name) === subscription) {
			subscriptions.delete(subscription.name);
			subscription.abandon(new EvError(0, clientProblem('Closed', `'${subscription.name}' was closed`)));
			scheduleSync();
		}
	}

	/** Stops everything: the connection, the waits, the writes; status 'closed'. */
	function shutDown(reason) {
		if (lifetime.signal.aborted) {
			return;
		}
		lifetime.abort();
		for (const subscription of subscriptions.values()) {
			subscription.abandon(reason);
		}
		connectionId = null;
		setStatus('closed');
	}

	for (const name of channels) {
		// the channels of the options stay for the client's lifetime
		hold(name, () => createChannelEntry(name), 'channel');
	}
	queueMicrotask(run);

	return {
		get status() {
			return status;
		},
		get connectionId() {
			return connectionId;
		},
		get lastEventId() {
			return lastEventId;
		},
		onStatus(fn) {
			statusListeners.add(fn);
			return () => statusListeners.delete(fn);
		},
		onError(fn) {
			errorListeners.add(fn);
			return () => errorListeners.delete(fn);
		},
		on(type, fn) {
			return addTo(directListeners, type, fn);
		},
		state(key, { dataKey = 'value' } = {}) {
			const entry = /** @type {ReturnType<typeof createStateEntry>} */ (hold(key, () => createStateEntry(key, dataKey), 'state'));
			if (entry.dataKey !== dataKey) {
				release(entry);
				throw new TypeError(`State '${key}' is already read with dataKey '${entry.dataKey}', not '${dataKey}'`);
			}
			return createStateHandle(entry, write, release);
		},
		channel(name) {
			const entry = /** @type {ReturnType<typeof createChannelEntry>} */ (hold(name, () => createChannelEntry(name), 'channel'));
			return createChannelHandle(entry, release);
		},
		collection(stream, group) {
			for (const name of [stream, group]) {
				if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
					throw new TypeError(`'${name}' is not a stream or group name: 1 to 64 of A-Z a-z 0-9 _ . : @ -`);
				}
			}
			const entry = /** @type {ReturnType<typeof createCollectionEntry>} */ (
				hold(`${stream}/${group}`, () => createCollectionEntry(stream, group), 'collection'));
			return createCollectionHandle(entry, writeItem, release);
		},
		log(name, { reducers, optimisticSeconds = 10, dispatcher = null } = {}) {
			if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
				throw new TypeError(`'${name}' is not a log name: 1 to 64 of A-Z a-z 0-9 _ . : @ -`);
			}
			if (!isObject(reducers)) {
				throw new TypeError('The reducers must be an object of event type to reducer');
			}
			if (typeof optimisticSeconds !== 'number' || !(optimisticSeconds >= 0) || !Number.isFinite(optimisticSeconds)) {
				throw new TypeError(`'optimisticSeconds' must be a number of seconds, not '${optimisticSeconds}'`);
			}
			const entry = /** @type {ReturnType<typeof createLogEntry>} */ (hold(name, () => createLogEntry(name, reducers), 'log'));
			if (entry.reducers !== reducers) {
				release(entry);
				throw new TypeError(`Log '${name}' is already read with other reducers: share one reducers object`);
			}
			return createLogHandle(entry, dispatchEvent, release, dispatcher, optimisticSeconds);
		},
		records(name, { optimistic = NOT_OPTIMISTIC } = {}) {
			if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
				throw new TypeError(`'${name}' is not a record set name: 1 to 64 of A-Z a-z 0-9 _ . : @ -`);
			}
			if (typeof optimistic !== 'function') {
				throw new TypeError('\'optimistic\' must be a function of the records and an action to the records');
			}
			const entry = /** @type {ReturnType<typeof createRecordsEntry>} */ (hold(name, () => createRecordsEntry(name, optimistic), 'records'));
			if (entry.optimistic !== optimistic) {
				release(entry);
				throw new TypeError(`Record set '${name}' is already read with another optimistic function: share one`);
			}
			return createRecordsHandle(entry, sendAction, release);
		},
		presence(channel) {
			if (typeof channel !== 'string' || channel === '') {
				throw new TypeError(`'${channel}' is not a channel name: a non-empty string`);
			}
			const entry = /** @type {ReturnType<typeof createPresenceEntry>} */ (
				hold(presenceChannel(channel), () => createPresenceEntry(channel), 'presence'));
			return createPresenceHandle(entry, release);
		},
		close() {
			shutDown(new EvError(0, clientProblem('Closed', 'This evstream client is closed')));
		},
	};
}
