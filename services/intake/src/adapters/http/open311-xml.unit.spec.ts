import { XMLParser } from 'fast-xml-parser';
import { escapeXml, formatOfUrl, splitFormat, toXml } from './open311-xml';

const parse = (text: string) => new XMLParser({ ignoreDeclaration: true, parseTagValue: false }).parse(text) as Record<string, unknown>;

it('splits the format suffix off a file name; none means XML, the spec’s default', () => {
  expect(splitFormat('event.01.02.json')).toEqual({ name: 'event.01.02', format: 'json' });
  expect(splitFormat('event.01.02.XML')).toEqual({ name: 'event.01.02', format: 'xml' });
  expect(splitFormat('event.01.02')).toEqual({ name: 'event.01.02', format: 'xml' });
  expect(formatOfUrl('/open311/v2/requests.json?service_code=a.xml')).toBe('json');
  expect(formatOfUrl('/open311/v2/requests/r-1')).toBe('xml');
});

it('lists become the spec’s repeated elements, nulls and empty strings empty elements', () => {
  const text = toXml('service_requests', [
    { service_request_id: 'r-1', zipcode: null, address: '', lat: 35.2 },
    { service_request_id: 'r-2', token: undefined },
  ]);
  expect(text).toBe(
    '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>' +
      '<request><service_request_id>r-1</service_request_id><zipcode/><address/><lat>35.2</lat></request>' +
      '<request><service_request_id>r-2</service_request_id></request></service_requests>',
  );
  expect(toXml('services', [])).toBe('<?xml version="1.0" encoding="utf-8"?>\n<services></services>');
  expect(parse(toXml('service_definition', { attributes: [{ code: 'crs', values: [{ key: 'wgs84' }, { key: 'bd09' }] }] }))).toEqual({
    service_definition: { attributes: { attribute: { code: 'crs', values: { value: [{ key: 'wgs84' }, { key: 'bd09' }] } } } },
  });
});

it('text is escaped, and characters XML cannot carry are dropped rather than breaking the document', () => {
  expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  const text = toXml('errors', [{ code: 400, description: 'bad \u0000\u0008byte 井盖 🚧' }]);
  expect(parse(text)).toEqual({ errors: { error: { code: '400', description: 'bad byte 井盖 🚧' } } });
});
