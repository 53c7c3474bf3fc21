import { expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import { findSitePolicies, getPolicyHead } from '../../src/integration/rendering/content-security-policy.ts';

const BUILT_IN =
	"img-src 'self' data:; media-src 'self'; font-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'";
const meta = (content: string) => ({ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content } });

test('every page that shows PRDs or specs gets the built-in policy; remote images only on PRD pages when allowed', () => {
	const options = validateConfig({});
	for (const kind of ['prd', 'spec', 'overview', 'open-questions'] as const)
		expect(getPolicyHead(kind, options, [])).toEqual([meta(BUILT_IN)]);
	const remote = validateConfig({ remoteImages: 'prds' });
	expect(getPolicyHead('prd', remote, [])).toEqual([meta(BUILT_IN.replace("img-src 'self' data:", "img-src 'self' data: https:"))]);
	expect(getPolicyHead('spec', remote, [])).toEqual([meta(BUILT_IN)]);
});

test('a policy string replaces the built-in one; false adds none', () => {
	expect(getPolicyHead('spec', validateConfig({ contentSecurityPolicy: "default-src 'self'" }), [])).toEqual([meta("default-src 'self'")]);
	expect(getPolicyHead('prd', validateConfig({ contentSecurityPolicy: false }), [])).toEqual([]);
});

test('the site’s own policies from Starlight’s head are kept beside ours (Starlight would replace them)', () => {
	const site = findSitePolicies([
		{ tag: 'meta', attrs: { 'http-equiv': 'content-security-policy', content: "script-src 'self'" } },
		{ tag: 'meta', attrs: { name: 'description', content: 'x' } },
		{ tag: 'link', attrs: { rel: 'stylesheet', href: '/x.css' } },
	]);
	expect(site).toEqual([{ tag: 'meta', attrs: { 'http-equiv': 'content-security-policy', content: "script-src 'self'" } }]);
	expect(getPolicyHead('prd', validateConfig({}), site)).toEqual([...site, meta(BUILT_IN)]);
});

test('the options are validated', () => {
	expect(() => validateConfig({ remoteImages: true })).toThrow("`remoteImages` must be `false` or `'prds'`.");
	expect(() => validateConfig({ contentSecurityPolicy: 42 })).toThrow(
		'`contentSecurityPolicy` must be `true`, `false` or a policy string.',
	);
});
