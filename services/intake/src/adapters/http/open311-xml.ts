/**
 * GeoReport v2's two formats. The spec names the format by the path's suffix (`services.xml`,
 * `requests/123.json`) and gives XML as the format of a path without one, so every call answers
 * in both; the XML element names are the spec's (`<services><service>`, `<service_requests><request>`,
 * `<errors><error>`), the JSON the same fields as arrays and objects.
 */
export type Open311Format = 'xml' | 'json';

export const OPEN311_FORMATS = ['xml', 'json'] as const;

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `event.01.02.json` → `{ name: 'event.01.02', format: 'json' }`; no suffix → XML (the spec's default). */
export function splitFormat(file: string): { name: string; format: Open311Format } {
  const m = /^(.*)\.(xml|json)$/i.exec(file);
  return m ? { name: m[1]!, format: m[2]!.toLowerCase() as Open311Format } : { name: file, format: 'xml' };
}

/** The format a URL asks for, from the last segment of its path (errors answer in it too). */
export function formatOfUrl(url: string): Open311Format {
  const path = url.split('?')[0] ?? '';
  return splitFormat(path.slice(path.lastIndexOf('/') + 1)).format;
}

/** The child element of each list the spec defines (any other list repeats its own name's singular). */
const ITEM_OF: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const itemOf = (name: string): string => ITEM_OF[name] ?? name.replace(/s$/, '');

const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// One pass: the five markup characters become entities, and characters XML 1.0 cannot carry at all,
// even escaped (a description pasted from elsewhere may hold them), are dropped.
const ESCAPED = /[&<>"']|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text.replace(ESCAPED, (c) => ENTITY[c] ?? '');
}

function element(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null || value === '') return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element(itemOf(name), v)).join('')}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A document: `root` holding `body` (a list becomes the spec's repeated items, an object its fields). */
export function toXml(root: string, body: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, body)}`;
}
