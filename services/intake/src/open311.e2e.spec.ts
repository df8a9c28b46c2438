import { XMLParser } from 'fast-xml-parser';
import { cellCentre, IntakeRoles, shippedUnitGrid } from './domain';
import { fromWgs84 } from './application/coordinate-systems';
import { startIntakeService, type RunningIntake } from './service';
import { quietLogger, testConfig, until } from './intake.test-helpers';

/*
 * GeoReport v2 as a client written against the spec sees it, in both formats. The client below
 * knows only the spec: it finds the endpoint through discovery, asks for `.xml` or `.json`, sends
 * form-encoded POSTs, and reads XML with fast-xml-parser (an independent parser, not our code).
 */
const JURISDICTION = 'jiaozuo.gov.cn';
const config = testConfig(__filename, { OPEN311_JURISDICTION_ID: JURISDICTION });
const cells = [...shippedUnitGrid().cells.values()];
const spot = (i: number) => cellCentre(cells[i]!);

type Format = 'xml' | 'json';
type Doc = Record<string, unknown>;
type Reply = { status: number; contentType: string; body: unknown };

// The spec's repeated elements: always lists, even with one item.
const LISTS = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format']);
const xml = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, isArray: (name) => LISTS.has(name) });

/** A GeoReport v2 document in the JSON shape: the XML root's list (or object) unwrapped. */
function read(format: Format, text: string): unknown {
  if (format === 'json') return JSON.parse(text);
  const doc = xml.parse(text) as Doc;
  const [root] = Object.keys(doc);
  const body = doc[root!] as Doc | '';
  const item = { services: 'service', service_requests: 'request', errors: 'error' }[root!];
  return item ? ((body === '' ? [] : body[item]) ?? []) : body;
}

class GeoReportClient {
  constructor(
    private readonly endpoint: string,
    readonly format: Format,
  ) {}

  static async discover(discoveryUrl: string, format: Format): Promise<GeoReportClient> {
    const d = (await get(discoveryUrl, format)).body as { endpoints: { endpoint?: Doc[] } | Doc[] };
    const endpoints = (Array.isArray(d.endpoints) ? d.endpoints : d.endpoints.endpoint) as Array<{ specification: string; url: string }>;
    const geo = endpoints.find((e) => e.specification === 'http://wiki.open311.org/GeoReport_v2');
    if (!geo) throw new Error('no GeoReport v2 endpoint in the discovery document');
    return new GeoReportClient(geo.url, format);
  }

  services = () => get(`${this.endpoint}/services.${this.format}?jurisdiction_id=${JURISDICTION}`, this.format);
  definition = (code: string) => get(`${this.endpoint}/services/${code}.${this.format}`, this.format);
  token = (token: string) => get(`${this.endpoint}/tokens/${token}.${this.format}`, this.format);
  request = (id: string) => get(`${this.endpoint}/requests/${id}.${this.format}`, this.format);
  requests = (query: Record<string, string>) => get(`${this.endpoint}/requests.${this.format}?${new URLSearchParams(query)}`, this.format);

  async post(fields: Record<string, string>): Promise<Reply> {
    const res = await fetch(`${this.endpoint}/requests.${this.format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: read(this.format, await res.text()) };
  }
}

async function get(url: string, format: Format): Promise<Reply> {
  const res = await fetch(url);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: read(format, await res.text()) };
}

let intake: RunningIntake;
beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
}, 60_000);
afterAll(() => intake?.stop());

const contentTypeOf = { xml: /^text\/xml/, json: /^application\/json/ } as const;

describe.each<[Format, number]>([
  ['xml', 11],
  ['json', 17],
])('a GeoReport v2 client in %s', (format, cellIndex) => {
  let client: GeoReportClient;
  beforeAll(async () => {
    client = await GeoReportClient.discover(`${intake.httpAddress}/open311/v2/discovery.${format}`, format);
  });

  it('discovery names the endpoint, its formats and the spec', async () => {
    const d = await get(`${intake.httpAddress}/open311/v2/discovery.${format}`, format);
    expect(d.status).toBe(200);
    expect(d.contentType).toMatch(contentTypeOf[format]);
    const body = d.body as Doc;
    expect(body).toMatchObject({ changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String) });
    const endpoints = format === 'xml' ? (body['endpoints'] as { endpoint: Doc[] }).endpoint : (body['endpoints'] as Doc[]);
    expect(endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: `${intake.httpAddress}/open311/v2`,
      type: 'production',
    });
    const formats = format === 'xml' ? (endpoints[0]!['formats'] as { format: string[] }).format : endpoints[0]!['formats'];
    expect(formats).toEqual(['text/xml', 'application/json']);
  });

  it('service list, definition, POST, token lookup, GET one and the list', async () => {
    const services = await client.services();
    expect(services.status).toBe(200);
    expect(services.contentType).toMatch(contentTypeOf[format]);
    const list = services.body as Array<{ service_code: string; service_name: string; metadata: unknown; type: string }>;
    expect(list.length).toBeGreaterThan(10);
    const garbage = list.find((s) => s.service_code === 'event.01.02');
    expect(garbage).toMatchObject({ type: 'realtime', metadata: format === 'xml' ? 'true' : true });

    const def = await client.definition('event.01.02');
    expect(def.status).toBe(200);
    const definition = def.body as { service_code: string; attributes: Doc[] | { attribute: Doc[] } };
    expect(definition.service_code).toBe('event.01.02');
    const attributes = Array.isArray(definition.attributes) ? definition.attributes : definition.attributes.attribute;
    expect(attributes).toHaveLength(1);
    expect(attributes[0]).toMatchObject({ code: 'crs', datatype: 'singlevaluelist' });
    const values = (format === 'xml' ? (attributes[0]!['values'] as { value: Doc[] }).value : attributes[0]!['values']) as Doc[];
    expect(values.map((v) => v['key'])).toEqual(['wgs84', 'gcj02', 'bd09']);

    // A citizen's app on AMap: GCJ-02 coordinates, named in attribute[crs] as the definition offers.
    const place = spot(cellIndex);
    const shown = fromWgs84(place, 'gcj02');
    const posted = await client.post({
      jurisdiction_id: JURISDICTION,
      service_code: 'event.01.02',
      lat: String(shown.lat),
      long: String(shown.lon),
      'attribute[crs]': 'gcj02',
      address_string: '解放区民主路 12 号',
      description: `垃圾 ${format}`,
      media_url: `https://photos.example.org/${format}.jpg`,
    });
    expect(posted.status).toBe(200);
    expect(posted.contentType).toMatch(contentTypeOf[format]);
    const [created] = posted.body as Array<{ service_request_id: string; token: string }>;
    expect(created!.service_request_id).toBeTruthy();
    expect(created!.token).toBeTruthy();

    const byToken = await client.token(created!.token);
    expect(byToken.status).toBe(200);
    expect(byToken.body).toEqual([{ service_request_id: created!.service_request_id, token: created!.token }]);

    const one = await client.request(created!.service_request_id);
    expect(one.status).toBe(200);
    const [request] = one.body as Doc[];
    expect(request).toMatchObject({
      service_request_id: created!.service_request_id,
      status: 'open',
      service_code: 'event.01.02',
      description: `垃圾 ${format}\n地址 address: 解放区民主路 12 号`,
      media_url: `https://photos.example.org/${format}.jpg`,
      address_id: cells[cellIndex]!.id,
    });
    // Converted to WGS84 on the way in: within a metre of the GPS position.
    expect(Number(request!['lat'])).toBeCloseTo(place.lat, 5);
    expect(Number(request!['long'])).toBeCloseTo(place.lon, 5);

    const listed = await until(
      async () => {
        const r = await client.requests({ service_code: 'event.01.02', status: 'open', jurisdiction_id: JURISDICTION });
        return (r.body as Doc[]).some((x) => x['service_request_id'] === created!.service_request_id) ? r : null;
      },
      15_000,
      'the listing',
    );
    expect(listed.status).toBe(200);
    const byIds = await client.requests({ service_request_id: `${created!.service_request_id},nope` });
    expect((byIds.body as Doc[]).map((r) => r['service_request_id'])).toEqual([created!.service_request_id]);
  });

  it('a heating complaint’s definition asks for the flat; a POST naming it is handed to heating, the neighbour’s is no duplicate', async () => {
    const yes = format === 'xml' ? 'true' : true;
    const listed = (await client.services()).body as Array<{ service_code: string; metadata: unknown }>;
    expect(listed.find((s) => s.service_code === 'event.06.01')).toMatchObject({ metadata: yes });
    const attributesOf = async (code: string) => {
      const def = await client.definition(code);
      expect(def.status).toBe(200);
      const { attributes } = def.body as { attributes: Doc[] | { attribute: Doc[] } };
      return Array.isArray(attributes) ? attributes : attributes.attribute;
    };
    const asked = await attributesOf('event.06.01');
    expect(asked.map((a) => a['code'])).toEqual(['crs', 'compound', 'building', 'unit', 'room']);
    for (const [i, a] of asked.slice(1).entries())
      expect(a).toMatchObject({
        variable: yes,
        datatype: 'string',
        required: yes,
        order: format === 'xml' ? String(i + 2) : i + 2,
        description: expect.stringMatching(/^[A-Za-z ()]+ \p{Script=Han}+$/u),
        datatype_description: expect.stringContaining('without spaces'),
      });
    // A burst pipe or a manhole cover is in the street: same unit type, no flat asked for.
    expect((await attributesOf('event.04.04')).map((a) => a['code'])).toEqual(['crs']);
    expect((await attributesOf('component.01.07')).map((a) => a['code'])).toEqual(['crs']);

    const place = spot(cellIndex + 40);
    const flat = (room: string) => ({ compound: 'jz-hongxing', building: format === 'xml' ? '3' : '4', unit: '2', room });
    const complain = (room: string) =>
      client.post({
        service_code: 'event.06.01',
        lat: String(place.lat),
        long: String(place.lon),
        description: `暖气不热 ${room}`,
        ...Object.fromEntries(Object.entries(flat(room)).map(([k, v]) => [`attribute[${k}]`, v])),
      });
    const first = await complain('501');
    const neighbour = await complain('502');
    expect([first.status, neighbour.status]).toEqual([200, 200]);
    const ids = [first, neighbour].map((r) => (r.body as Array<{ service_request_id: string }>)[0]!.service_request_id);
    expect(new Set(ids).size).toBe(2);
    for (const [i, id] of ids.entries()) {
      const [request] = (await client.request(id)).body as Doc[];
      expect(request).toMatchObject({ service_code: 'event.06.01', status: 'open' });
      // Filed by the supervision centre: the filing hands the complaint to heating, with its flat.
      await intake.application.file(
        id,
        {},
        { actor: { subject: 'centre-1', department: 'centre.supervision', roles: [IntakeRoles.supervisionCentre] } },
      );
      const { events } = await intake.store.readStream(`report-${id}`);
      expect(events.map((e) => e.type)).toEqual(['intake.report.received.v1', 'intake.report.filed.v1']);
      const household = flat(i === 0 ? '501' : '502');
      expect(events[0]!.data).toMatchObject({ channel: 'citizen', household });
      expect(events[1]!.data).toMatchObject({ handover: { service: 'heating', household, channel: 'citizen' } });
    }
  });

  it('errors keep their status and come as <errors> / [{code, description}] in the format asked for', async () => {
    const commits = await intake.store.commits.countDocuments({});
    const heating = { service_code: 'event.06.01', lat: String(spot(2).lat), long: String(spot(2).lon), description: '暖气不热' };
    const cases: Array<[Promise<Reply>, number, RegExp]> = [
      [
        client.post({ service_code: 'event.77.77', lat: String(spot(2).lat), long: String(spot(2).lon) }),
        400,
        /unknown category event\.77\.77/,
      ],
      [
        client.post({
          jurisdiction_id: 'zhengzhou.gov.cn',
          service_code: 'event.01.02',
          lat: String(spot(2).lat),
          long: String(spot(2).lon),
        }),
        400,
        /jurisdiction_id zhengzhou\.gov\.cn is not served here; this endpoint serves jiaozuo\.gov\.cn/,
      ],
      [
        client.post({ service_code: 'event.01.02', lat: String(spot(2).lat), long: String(spot(2).lon), 'attribute[colour]': 'red' }),
        400,
        /attribute\[colour\] is not an attribute of service event\.01\.02/,
      ],
      [client.post({ service_code: 'event.01.02', address_string: '民主路' }), 400, /address_string alone cannot be placed/],
      // A household's complaint without its flat, or with a part of it blank or malformed; the flat on another service.
      [
        client.post({ ...heating, 'attribute[compound]': 'jz-hongxing', 'attribute[building]': '3', 'attribute[unit]': '2' }),
        400,
        /attribute\[room\] is required for service event\.06\.01/,
      ],
      [
        client.post({
          ...heating,
          'attribute[compound]': 'jz-hongxing',
          'attribute[building]': ' ',
          'attribute[unit]': '2',
          'attribute[room]': '1',
        }),
        400,
        /attribute\[building\] is required/,
      ],
      [
        client.post({
          ...heating,
          'attribute[compound]': 'jz:hongxing',
          'attribute[building]': '3',
          'attribute[unit]': '2',
          'attribute[room]': '1',
        }),
        400,
        /attribute\[compound\] must not contain spaces or ":"/,
      ],
      [
        client.post({ service_code: 'event.04.04', lat: String(spot(2).lat), long: String(spot(2).lon), 'attribute[room]': '501' }),
        400,
        /attribute\[room\] is not an attribute of service event\.04\.04/,
      ],
      [
        client.post({ service_code: 'event.01.02', lat: String(spot(2).lat), long: String(spot(2).lon), api_key: 'stolen' }),
        403,
        /unknown api_key/,
      ],
      [client.definition('event.77.77'), 404, /unknown service_code event\.77\.77/],
      [client.request('nope'), 404, /no report nope/],
      [client.token('no-such-token'), 404, /no report with this tracking token/],
      [get(`${intake.httpAddress}/open311/v2/services.${format}?jurisdiction_id=x`, format), 400, /jurisdiction_id x/],
      [client.requests({ start_date: 'yesterday' }), 400, /start_date is not a date/],
      [get(`${intake.httpAddress}/open311/v2/nothing.${format}`, format), 404, /no route GET \/open311\/v2\/nothing/],
    ];
    for (const [call, status, pattern] of cases) {
      const r = await call;
      expect(r.status).toBe(status);
      expect(r.contentType).toMatch(contentTypeOf[format]);
      expect(r.body).toEqual([{ code: format === 'xml' ? String(status) : status, description: expect.stringMatching(pattern) }]);
    }
    expect(await intake.store.commits.countDocuments({})).toBe(commits);
  });
});

it('without a suffix every call answers in XML, the spec’s default', async () => {
  const base = `${intake.httpAddress}/open311/v2`;
  for (const path of ['/discovery', '/services', '/services/event.01.02', '/requests', '/requests/nope', '/tokens/nope']) {
    const res = await fetch(`${base}${path}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?>\n<(discovery|services|service_definition|service_requests|errors)>/,
    );
  }
  const posted = await fetch(`${base}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      service_code: 'event.01.04',
      lat: String(spot(23).lat),
      long: String(spot(23).lon),
      description: '<&>',
    }).toString(),
  });
  expect(posted.status).toBe(200);
  const [created] = read('xml', await posted.text()) as Array<{ service_request_id: string }>;
  const one = await fetch(`${base}/requests/${created!.service_request_id}`);
  const text = await one.text();
  expect(text).toContain('<description>&lt;&amp;&gt;</description>');
  expect(read('xml', text)).toEqual([expect.objectContaining({ description: '<&>', service_code: 'event.01.04' })]);
});

it('a JSON body names the flat in its attribute object, as the form names attribute[...]', async () => {
  const p = spot(61);
  const post = (attribute: Record<string, string>) =>
    fetch(`${intake.httpAddress}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service_code: 'event.06.01', lat: p.lat, long: p.lon, description: '暖气不热', attribute }),
    });
  const household = { compound: 'jz-jianshe', building: '7', unit: '1', room: '302' };
  const commits = await intake.store.commits.countDocuments({});
  const refused = await post({ compound: 'jz-jianshe', building: '7', unit: '1' });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toEqual([{ code: 400, description: expect.stringMatching(/attribute\[room\] is required/) }]);
  expect(await intake.store.commits.countDocuments({})).toBe(commits);

  const created = await post(household);
  expect(created.status).toBe(200);
  const [answer] = (await created.json()) as Array<{ service_request_id: string }>;
  const { events } = await intake.store.readStream(`report-${answer!.service_request_id}`);
  expect(events[0]!.data).toMatchObject({ household });
});
