import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The build tests run `astro build` on sites that import the package, i.e. the compiled `lib/`:
 * compile it from the current sources first, so a test never runs stale code.
 */
export default function setup(): void {
	execFileSync('npm', ['run', '--silent', 'build:lib'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
}
