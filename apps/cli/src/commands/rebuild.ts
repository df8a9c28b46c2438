import { parseArgs } from 'node:util';
import { type Db } from 'mongodb';
import { type ReadModels, type LoggedEvent, type Projection } from '@yiwang/kernel-core';
import { collectionName, MongoEventStore, scanLog, MongoReadModels } from '@yiwang/kernel-mongodb';
import { connectMongo } from '@yiwang/platform';
import { CliError, usage } from '../cli-error';
import { Progress } from '../progress';
import { compareCollections, type Difference } from '../rebuild/compare';
import { projectionsOf } from '../rebuild/projections';
import { serviceInfo } from '../services';
import { oneOf } from '../values';
import { type CommandContext } from './command';

export const REBUILD_HELP = `yiwang rebuild --service s --projection name — rebuild a read model from the log and compare

Replays the service's log from position 0 up to the live projection's checkpoint through the
projection's own code into FRESH collections (rm_<name>__rebuild_<time>_<model>_g1), then compares
them with the live generation document by document and prints the differences. The live read
model is never touched. Exit 0: equal; 1: differences (or an error).

  --service intake|dispatch
  --projection name           dispatch: dispatch_cases, dispatch_indicators; intake: reports, report_index_v2
  --mongo uri                 the service's MongoDB (default MONGODB_URI or mongodb://127.0.0.1:27017)
  --db name                   its database (default yiwang_<service>)
  --drop-rebuilt              drop the fresh collections after comparing (default: keep them)
  --duplicate-window-hours n  intake's duplicate window, for report_index_v2 (default 72, as INTAKE_DUPLICATE_WINDOW_HOURS)
  --format text|json          (default text)`;

const REBUILD_MARK = '_rebuild_';

type ProjectionState = { _id: string; generation: number; position: number };

/** Model names of a projection generation, from the collection names (`rm_<projection>_<model>_g<n>`). */
async function modelsOf(db: Db, projection: string, generation: number): Promise<string[]> {
  const prefix = `rm_${projection}_`;
  const suffix = `_g${generation}`;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  // Earlier rebuilds' collections (`rm_<projection>__rebuild_…`) start with the live prefix too.
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(suffix) && !n.slice(prefix.length).includes(REBUILD_MARK))
    .map((n) => n.slice(prefix.length, -suffix.length));
}

async function replayInto(
  store: MongoEventStore,
  projection: Projection,
  models: ReadModels,
  to: number,
  progress: Progress,
  signal: AbortSignal,
): Promise<number> {
  const handles = new Set(projection.handles);
  // A projection may apply a batch at once (same documents as event by event, by its contract).
  const applyBatch = (projection as { applyBatch?: (events: readonly LoggedEvent[], models: ReadModels) => Promise<void> }).applyBatch;
  let applied = 0;
  for await (const events of scanLog(store, { after: 0, to, signal })) {
    const handled = events.filter((e) => handles.has(e.type));
    if (applyBatch && handled.length > 0) await applyBatch.call(projection, handled, models);
    else for (const e of handled) await projection.apply(e, models);
    applied += handled.length;
    progress.update(handled.length, events.at(-1)!.position, to);
  }
  return applied;
}

export async function rebuild(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      service: { type: 'string' },
      projection: { type: 'string' },
      mongo: { type: 'string' },
      db: { type: 'string' },
      'drop-rebuilt': { type: 'boolean' },
      format: { type: 'string' },
      'duplicate-window-hours': { type: 'string' },
    },
  });
  const service = serviceInfo(values.service);
  const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
  const uri = values.mongo ?? ctx.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017';
  const dbName = values.db ?? service.database;
  let mongo;
  try {
    mongo = await connectMongo(uri, dbName);
  } catch (e) {
    throw new CliError(`cannot reach MongoDB at ${uri}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const store = new MongoEventStore(mongo.db, { serviceName: service.name });
    const hours = Number(values['duplicate-window-hours'] ?? 72);
    if (!Number.isInteger(hours) || hours < 1)
      throw usage(`bad value for --duplicate-window-hours: "${values['duplicate-window-hours']}" (whole hours ≥ 1)`);
    const projections = projectionsOf(service, store, { duplicateWindowHours: hours });
    const name = values.projection;
    if (!name) throw usage(`--projection is required (${service.name}: ${[...projections.keys()].join(', ')})`);
    const projection = projections.get(name);
    if (!projection) throw usage(`unknown projection "${name}" of ${service.name} (known: ${[...projections.keys()].join(', ')})`);
    const state = await mongo.db.collection<ProjectionState>('projection_state').findOne({ _id: name });
    if (!state) throw new CliError(`projection ${name} has no live state in database ${dbName} (is this ${service.name}'s database?)`);

    const fresh = `${name}_${REBUILD_MARK}${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 17)}`;
    const progress = new Progress(`rebuild ${name}`, ctx.progress);
    const applied = await replayInto(store, projection, new MongoReadModels(mongo.db, fresh, 1), state.position, progress, ctx.signal);
    progress.finish();
    if (ctx.signal.aborted) return 130;
    const after = await mongo.db.collection<ProjectionState>('projection_state').findOne({ _id: name });

    const models = [...new Set([...(await modelsOf(mongo.db, name, state.generation)), ...(await modelsOf(mongo.db, fresh, 1))])].sort();
    const results: Array<{
      model: string;
      live: string;
      rebuilt: string;
      liveDocs: number;
      rebuiltDocs: number;
      differences: Difference[];
    }> = [];
    for (const model of models) {
      const live = collectionName(name, model, state.generation);
      const rebuilt = collectionName(fresh, model, 1);
      results.push({ model, live, rebuilt, ...(await compareCollections(mongo.db, live, rebuilt)) });
    }
    const count = results.reduce((n, r) => n + r.differences.length, 0);
    const moved = after !== null && (after.position !== state.position || after.generation !== state.generation);
    if (values['drop-rebuilt'])
      for (const r of results)
        await mongo.db
          .collection(r.rebuilt)
          .drop()
          .catch(() => undefined);

    const report = {
      projection: name,
      service: service.name,
      database: dbName,
      position: state.position,
      liveGeneration: state.generation,
      applied,
      equal: count === 0,
      liveMovedDuringRebuild: moved,
      models: results,
    };
    if (format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const lines = [
        `rebuilt ${name} of ${service.name} up to position ${state.position} (${applied} events applied); live generation ${state.generation}`,
      ];
      for (const r of results) {
        lines.push(
          `  ${r.model}: live ${r.live} ${r.liveDocs} docs, rebuilt ${r.rebuilt} ${r.rebuiltDocs} docs, ${r.differences.length} differences`,
        );
        for (const d of r.differences.slice(0, 20))
          lines.push(
            `    ${d.kind} ${d.id}${d.path ? ` at ${d.path}: live ${JSON.stringify(d.live)} rebuilt ${JSON.stringify(d.rebuilt)}` : ''}`,
          );
        if (r.differences.length > 20) lines.push(`    … ${r.differences.length - 20} more`);
      }
      lines.push(count === 0 ? 'no differences' : `${count} differences`);
      if (moved) lines.push('note: the live projection moved on during the rebuild; differences may be transient');
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return count === 0 ? 0 : 1;
  } finally {
    await mongo.close();
  }
}
