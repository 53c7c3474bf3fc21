import { parse, parseFragment, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];

/** One element of a parsed page, as a browser builds it: attribute values are values, not markup. */
export interface HtmlElement {
	name: string;
	attributes: Record<string, string>;
	/** Its text content (script bodies included). */
	text: string;
}

/**
 * Every element of an HTML document or fragment, parsed with parse5 (the WHATWG algorithm that
 * browsers follow), so that `<script>` inside an attribute value is seen as the text it is, and a
 * tag that a regular expression would miss is not.
 */
export function listElements(html: string, { fragment = false }: { fragment?: boolean } = {}): HtmlElement[] {
	const elements: HtmlElement[] = [];
	const visit = (node: Node) => {
		if ('tagName' in node) {
			elements.push({
				name: node.tagName,
				attributes: Object.fromEntries(node.attrs.map((attribute) => [attribute.name, attribute.value])),
				text: textOf(node),
			});
			if (node.tagName === 'template') visit((node as DefaultTreeAdapterMap['template']).content);
		}
		if ('childNodes' in node) for (const child of node.childNodes) visit(child);
	};
	visit(fragment ? parseFragment(html) : parse(html));
	return elements;
}

function textOf(node: Node): string {
	if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
	return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}
