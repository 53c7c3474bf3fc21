/**
 * Removes an API key, and anything shaped like one, from text that may reach a log, an error
 * message or a file: a server may echo part of a rejected key back in its error. A "key" shorter
 * than eight characters is a placeholder (`OPENAI_API_KEY=local` for a local server), not a
 * secret: replacing it would mangle ordinary words (`localhost`).
 */
const MIN_SECRET_LENGTH = 8;

export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join('[redacted]');
	}
	return result.replace(/\b(sk|sess|rk)-[A-Za-z0-9_*-]{6,}/g, '$1-[redacted]').replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]');
}
