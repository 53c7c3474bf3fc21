import { expect } from 'vitest';

/**
 * API keys for the tests of key scrubbing, with what a server echoes of them when it rejects
 * them. The middle of each key is what must never be printed: a masked form shows only its ends.
 */
export const KEYS = {
	openai: {
		key: 'sk-proj-Ab3dEf6hMIDDLEpart0123456789QrStUvWxYz',
		middle: 'MIDDLEpart0123456789',
		echo: (key: string) =>
			`Incorrect API key provided: sk-proj-Ab3***************************WxYz. You can find your API key at https://platform.openai.com/account/api-keys. (received ${key}; header "Authorization: Bearer ${key}")`,
		// Nothing of the key but its prefix may be left: not the masked form's visible ends either.
		forbidden: ['sk-proj-Ab3', 'WxYz'],
	},
	proxy: {
		key: 'proxy-tok3n-Q7x9MIDDLEother5k2Zp',
		middle: 'MIDDLEother',
		echo: (key: string) => `invalid token ${key}; header "Authorization: Bearer ${key}"`,
		forbidden: ['Q7x9', '5k2Zp'],
	},
} as const;

export type LeakyKey = (typeof KEYS)[keyof typeof KEYS];

/** Fails if `text` holds the key, its middle, or the ends a masked form shows. */
export function expectNoKey(text: string, { key, middle, forbidden }: LeakyKey): void {
	expect(text).not.toContain(key);
	expect(text).not.toContain(middle);
	for (const part of forbidden) expect(text).not.toContain(part);
}
