import { describe, expect, test } from 'vitest';

import { redactSecrets } from '../../src/integration/secrets.ts';

// The middle of each key is what must never be printed: a masked form shows only its ends.
const KEY = 'sk-proj-Ab3dEf6hMIDDLEpart0123456789QrStUvWxYz';
const MIDDLE = 'MIDDLEpart0123456789';

describe('redactSecrets: a key given as a secret', () => {
	test('the exact key, wherever it is and however often', () => {
		expect(redactSecrets(`Incorrect API key provided: ${KEY}.`, [KEY])).toBe('Incorrect API key provided: [redacted].');
		expect(redactSecrets(`${KEY}${KEY} and (${KEY})`, [KEY])).toBe('[redacted][redacted] and ([redacted])');
	});

	test('keys of other shapes: a proxy token, a hex key, one with regular-expression characters', () => {
		const proxy = 'proxy-tok3n-Q7x9MIDDLEother5k2Zp';
		expect(redactSecrets(`invalid token ${proxy} for user`, [proxy])).toBe('invalid token [redacted] for user');
		const hex = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
		expect(redactSecrets(`api-key: ${hex}; retry`, [hex])).toBe('api-key: [redacted]; retry');
		const special = 'a.b*c+d?(e)[f]{g}|h^$\\i';
		expect(redactSecrets(`key=${special}&x=1 and abxcxd`, [special])).toBe('key=[redacted]&x=1 and abxcxd');
	});

	test('every secret of the list is removed; missing ones are skipped', () => {
		expect(
			redactSecrets('one: first-secret-1234, two: second-secret-5678', [undefined, 'first-secret-1234', '', 'second-secret-5678']),
		).toBe('one: [redacted], two: [redacted]');
	});

	test('a placeholder shorter than eight characters is not applied, so ordinary text is not mangled', () => {
		// The README's own example for a local server: `OPENAI_API_KEY=local`.
		expect(redactSecrets('abc abcabc: the local model at localhost via ollama', ['abc', 'x', '', 'local', 'ollama'])).toBe(
			'abc abcabc: the local model at localhost via ollama',
		);
		expect(redactSecrets('key 12345678 used', ['12345678'])).toBe('key [redacted] used');
	});

	test('the key inside a JSON error body: gone, and the JSON still parses', () => {
		const body = JSON.stringify({
			error: {
				message: `Incorrect API key provided: ${KEY}.`,
				type: 'invalid_request_error',
				param: null,
				code: 'invalid_api_key',
				key: KEY,
			},
		});
		const redacted = redactSecrets(body, [KEY]);
		expect(redacted).not.toContain(MIDDLE);
		expect(JSON.parse(redacted)).toEqual({
			error: {
				message: 'Incorrect API key provided: [redacted].',
				type: 'invalid_request_error',
				param: null,
				code: 'invalid_api_key',
				key: '[redacted]',
			},
		});
	});
});

describe('redactSecrets: shapes of keys, with no secret given', () => {
	test.each([
		// As OpenAI prints a rejected key: its first characters, stars, its last four.
		[
			'Incorrect API key provided: sk-proj-Ab3***************************WxYz. You can find your API key at https://platform.openai.com/account/api-keys.',
			'Incorrect API key provided: sk-[redacted]. You can find your API key at https://platform.openai.com/account/api-keys.',
		],
		['Incorrect API key provided: sk-abc12***************************************WxYz.', 'Incorrect API key provided: sk-[redacted].'],
		['Incorrect API key provided: sk-proj-********************************************WxYz', 'Incorrect API key provided: sk-[redacted]'],
		['Incorrect API key provided: sk-svcacct-Ab3_***************WxYz.', 'Incorrect API key provided: sk-[redacted].'],
		// Whole keys of each known prefix, and in JSON.
		[`key ${KEY} rejected`, 'key sk-[redacted] rejected'],
		['session sess-Ab3dEf6hMIDDLEpart0123 expired', 'session sess-[redacted] expired'],
		['restricted rk-live-Ab3dEf6hMIDDLEpart0123 denied', 'restricted rk-[redacted] denied'],
		[`{"apiKey":"${KEY}","model":"gpt-6.1-terra"}`, '{"apiKey":"sk-[redacted]","model":"gpt-6.1-terra"}'],
	])('%s', (text, expected) => {
		const redacted = redactSecrets(text);
		expect(redacted).toBe(expected);
		expect(redacted).not.toContain(MIDDLE);
		expect(redacted).not.toContain('WxYz');
	});

	test.each([
		['Authorization: Bearer proxy-tok3n-Q7x9MIDDLEother5k2Zp', 'Authorization: Bearer [redacted]'],
		['authorization: bearer abc.DEF-ghi_jkl/mno+pqr=', 'authorization: bearer [redacted]'],
		['{"headers":{"Authorization":"Bearer abc.DEF-ghi"},"status":401}', '{"headers":{"Authorization":"Bearer [redacted]"},"status":401}'],
		["sent 'Bearer  tok3n-MIDDLE' twice", "sent 'Bearer  [redacted]' twice"],
	])('a Bearer token: %s', (text, expected) => {
		expect(redactSecrets(text)).toBe(expected);
	});

	test('ordinary text is left alone: words that contain sk-, rk-, short sk- ids, model names, paths and URLs', () => {
		const text = [
			'ask-me-anything disk-usage task-runner risk-assessment-document work-item-tracker',
			'sk-abc rk-12 sess-x',
			'gpt-6.1-terra gpt-6-luna prds/checkout-flow.md src/content/specs/checkout-flow.md',
			'http://127.0.0.1:11434/v1 https://platform.openai.com/account/api-keys',
			'the API answered 401 (check `OPENAI_API_KEY`): Incorrect API key provided.',
		].join('\n');
		expect(redactSecrets(text)).toBe(text);
		expect(redactSecrets(text, ['not-in-the-text'])).toBe(text);
	});
});
