// What one command costs the database server, by kind and by collection size (issue 11). On
// FerretDB 1.24 with SQLite, a find or an insert by `_id` costs about the same in a collection of
// ten documents as in one of thousands, but an update, a replace or a delete that changes a
// document costs in proportion to the collection (a scan); an update that changes nothing is cheap.
// That decides what the kernel may do often: read and insert, not rewrite, in large collections.
// Each command runs one at a time against a private server, and the server's CPU per command
// (from /proc/<pid>/stat) is printed beside the find's, the baseline of the same run.
import { MongoClient, type Collection, type Document } from 'mongodb';
import { cpuSeconds, privateFerret } from './private-ferret';

type Op = (c: Collection<Document>, i: number, size: number) => Promise<unknown>;

const byId = (id: string) => ({ _id: id }) as unknown as Document;
const OPS: ReadonlyArray<readonly [string, Op]> = [
  ['find one by _id (baseline)', (c, i, n) => c.findOne(byId(`d-${i % n}`))],
  ['insert one', (c, i) => c.insertOne({ _id: `new-${i}`, a: i } as Document)],
  ['update one by _id, changing it ($set)', (c, i, n) => c.updateOne(byId(`d-${i % n}`), { $set: { a: -i - 1 } })],
  ['update one by _id, changing nothing', (c, i, n) => c.updateOne(byId(`d-${i % n}`), { $set: { s: 'x'.repeat(200) } })],
  ['replace one by _id and guard (a read model write)', (c, i, n) => c.replaceOne({ ...byId(`d-${i % n}`), g: 1 }, { a: i, s: 'y', g: 1 })],
  ['delete one by _id', (c, i) => c.deleteOne(byId(`new-${i}`))],
];

export async function benchDatabaseCosts(options: { sizes: readonly number[]; commands: number }): Promise<string> {
  const server = await privateFerret('costs');
  const client = await MongoClient.connect(server.uri);
  const lines = [
    `## What a command costs FerretDB 1.24 (SQLite), by collection size — \`npm run bench -- --only database-costs\``,
    '',
    `${options.commands} commands of each kind, one at a time, on a private server; documents of ~250 bytes. CPU: the server's, per command.`,
    '',
    `| collection size | command | commands/s | server CPU ms per command | × the find's CPU |`,
    '|---|---|---|---|---|',
  ];
  try {
    const db = client.db('costs');
    for (const size of options.sizes) {
      const c = db.collection<Document>(`docs_${size}`);
      for (let i = 0; i < size; i += 1000)
        await c.insertMany(
          Array.from(
            { length: Math.min(1000, size - i) },
            (_, k) => ({ _id: `d-${i + k}`, a: i + k, s: 'x'.repeat(200), g: 1 }) as Document,
          ),
        );
      let findCpu = 0;
      for (const [name, op] of OPS) {
        const cpu0 = cpuSeconds(server.pid);
        const t0 = performance.now();
        for (let i = 0; i < options.commands; i++) await op(c, i, size);
        const seconds = (performance.now() - t0) / 1000;
        const cpuMs = ((cpuSeconds(server.pid) - cpu0) * 1000) / options.commands;
        if (findCpu === 0) findCpu = cpuMs;
        const ratio = findCpu > 0 ? `${(cpuMs / findCpu).toFixed(1)}×` : '–';
        lines.push(`| ${size} | ${name} | ${(options.commands / seconds).toFixed(0)} | ${cpuMs.toFixed(2)} | ${ratio} |`);
      }
    }
  } finally {
    await client.close();
    await server.stop();
  }
  return lines.join('\n') + '\n';
}
