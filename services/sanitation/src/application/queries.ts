import { ForbiddenError, NotFoundError, type ReadModels } from '@yiwang/kernel-core';
import {
  facilityTotals,
  Month,
  passRate,
  previousMonth,
  rankingTable,
  seesAll,
  type Actor,
  type AssessmentConfig,
  type Dimension,
  type RankingRow,
} from '../domain';
import { MODELS, type FacilityDoc } from './projections/register';
import { ASSESSMENT_MODELS, periodKey, type InspectionDoc, type PeriodDoc } from './projections/assessment';

export interface SanitationQueriesOptions {
  readonly registerModels: () => Promise<ReadModels>;
  readonly assessmentModels: () => Promise<ReadModels>;
  readonly config: AssessmentConfig;
}

export type Ranking = Readonly<{
  period: string;
  previousPeriod: string;
  dimension: Dimension;
  rows: readonly RankingRow[];
  samples: number;
  samplesPassed: number;
  passRate: number | null;
}>;

const DIMENSIONS: readonly Dimension[] = ['facility', 'contractor', 'district'];

/** The read side: every query reads documents by `_id`, never a stream. */
export class SanitationQueries {
  constructor(private readonly options: SanitationQueriesOptions) {}

  private visible(actor: Actor, contractor: string, what: string): void {
    if (!seesAll(actor) && actor.department !== contractor)
      throw new ForbiddenError(`${what} is not in the care of ${actor.department}`, { department: actor.department });
  }

  async facility(id: string, actor: Actor): Promise<FacilityDoc> {
    const doc = await (await this.options.registerModels()).model<FacilityDoc>(MODELS.facilities).get(id);
    if (!doc) throw new NotFoundError(`no facility ${id}`);
    this.visible(actor, doc.details.contractor, `facility ${id}`);
    return doc;
  }

  async inspection(id: string, actor: Actor): Promise<InspectionDoc & { state: { status: 'recorded' } }> {
    const doc = await (await this.options.assessmentModels()).model<InspectionDoc>(ASSESSMENT_MODELS.inspections).get(id);
    if (!doc || doc.state.status !== 'recorded') throw new NotFoundError(`no inspection ${id}`);
    this.visible(actor, doc.state.facility.contractor, `inspection ${id}`);
    return doc as InspectionDoc & { state: { status: 'recorded' } };
  }

  /**
   * The three-assessment table of a month, ranked, with the change against the month before. City
   * staff see every row; a contractor sees its own row (or its own facilities), never a district's.
   */
  async ranking(rawPeriod: string, rawDimension: string, actor: Actor): Promise<Ranking> {
    const period = Month(rawPeriod);
    const dimension = (rawDimension || 'contractor') as Dimension;
    if (!DIMENSIONS.includes(dimension)) throw new NotFoundError(`no ranking per ${rawDimension}`);
    const all = seesAll(actor);
    if (!all && dimension === 'district') throw new ForbiddenError('district rankings are for city and district staff');
    const periods = (await this.options.assessmentModels()).model<PeriodDoc>(ASSESSMENT_MODELS.periods);
    const previous = previousMonth(period);
    const [now, before] = await Promise.all([periods.get(periodKey(period)), periods.get(periodKey(previous))]);
    const current = facilityTotals(Object.values(now?.sources ?? {}));
    const rows = rankingTable(
      current.values(),
      facilityTotals(Object.values(before?.sources ?? {})).values(),
      dimension,
      this.options.config,
    );
    const mine = (r: RankingRow) =>
      all || (dimension === 'contractor' ? r.key === actor.department : current.get(r.key)?.contractor === actor.department);
    const visible = rows.filter(mine);
    const counted = all ? [...current.values()] : [...current.values()].filter((f) => f.contractor === actor.department);
    const samples = counted.reduce((a, f) => a + f.counters.samples, 0);
    const samplesPassed = samples - counted.reduce((a, f) => a + f.counters.failedSamples, 0);
    return {
      period,
      previousPeriod: previous,
      dimension,
      rows: visible,
      samples,
      samplesPassed,
      passRate: passRate(samplesPassed, samples),
    };
  }

  /** Ids of the active facilities of a kind (for closing days). */
  async facilityIds(kind: string): Promise<readonly string[]> {
    const doc = await (await this.options.registerModels()).model<{ ids: string[] }>(MODELS.index).get(`kind:${kind}`);
    return doc?.ids ?? [];
  }
}
