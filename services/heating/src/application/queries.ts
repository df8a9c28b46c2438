import { ForbiddenError, NotFoundError, ValidationError, type ReadModels } from '@yiwang/kernel-core';
import { isSealed } from '@yiwang/kernel-mongodb';
import { ComplaintId, hasRole, HeatingRoles, maySee, type Actor, type CityConfig } from '../domain';
import { rankCompanies, weekDocId, weekOf, type CompanyWeekDoc, type RankingRow } from './projections/company-week';
import { emptySeason, seasonDocId, type CompanySeasonDoc } from './projections/company-season';
import { MODELS, summarize, type ComplaintDoc, type ComplaintSummary, type OpenBucketDoc } from './projections/complaint-views';

export type ContactView = { name: string; phone: string; address: string } | null;

/** Opens sealed values (the vault); null once erased. */
export interface Opener {
  open(subjectId: string, sealed: string): Promise<string | null>;
}

/**
 * Heating's queries: every one reads a read model by `_id` (never a stream replay). A company sees
 * only its own complaints and season; the supervision office sees everything.
 */
export class HeatingQueries {
  constructor(
    private readonly models: () => Promise<ReadModels>,
    private readonly city: CityConfig,
    private readonly opener: Opener,
  ) {}

  async complaint(rawId: string, actor: Actor): Promise<ComplaintSummary & { contact: ContactView }> {
    const id = ComplaintId(rawId);
    const doc = await (await this.models()).model<ComplaintDoc>(MODELS.complaints).get(id);
    const summary = doc ? summarize(doc) : null;
    if (!doc || !summary) throw new NotFoundError(`no heating complaint ${id}`, { complaintId: id });
    if (!maySee(actor, summary.companyId))
      throw new ForbiddenError(`complaint ${id} is not assigned to ${actor.department}`, {
        subject: actor.subject,
        department: actor.department,
      });
    return { ...summary, contact: await this.contact(id, doc) };
  }

  private async contact(id: string, doc: ComplaintDoc): Promise<ContactView> {
    const c = doc.contact;
    if (!c || doc.state.status === 'none' || doc.state.personalDataErased) return null;
    const open = async (v: string) => (isSealed(v) ? ((await this.opener.open(id, v)) ?? '') : v);
    return { name: await open(c.name), phone: await open(c.phone), address: await open(c.address) };
  }

  private checkCompany(companyId: string, actor: Actor): void {
    if (!this.city.companies.some((c) => c.id === companyId)) throw new NotFoundError(`no heating company ${companyId}`, { companyId });
    if (actor.department !== companyId && !hasRole(actor, HeatingRoles.supervision)) {
      throw new ForbiddenError(`${actor.department} may not read ${companyId}`, { subject: actor.subject, department: actor.department });
    }
  }

  async openComplaints(companyId: string, actor: Actor): Promise<ComplaintSummary[]> {
    this.checkCompany(companyId, actor);
    const bucket = await (await this.models()).model<OpenBucketDoc>(MODELS.open).get(`open:${companyId}`);
    return [...(bucket?.complaints ?? [])].sort((a, b) => (a.deadline || '~').localeCompare(b.deadline || '~'));
  }

  async companySeason(companyId: string, actor: Actor): Promise<CompanySeasonDoc> {
    this.checkCompany(companyId, actor);
    const season = this.city.season.from;
    const doc = await (await this.models()).model<CompanySeasonDoc>(MODELS.seasons).get(seasonDocId(season, companyId));
    return doc ?? emptySeason(season, companyId);
  }

  /** The weekly ranking of the week holding `day` (any day of it, `2026-12-02`) with the change against the week before; office only. */
  async weeklyRanking(day: string, actor: Actor): Promise<{ week: string; rows: RankingRow[] }> {
    if (!hasRole(actor, HeatingRoles.supervision))
      throw new ForbiddenError('only the supervision office reads the ranking', { subject: actor.subject, department: actor.department });
    const ms = Date.parse(`${day}T12:00:00+08:00`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms))
      throw new ValidationError('week must be a day like 2026-12-02', [{ field: 'week', message: day }]);
    const week = weekOf(ms);
    const previousWeek = weekOf(ms - 7 * 86_400_000);
    const weeks = (await this.models()).model<CompanyWeekDoc>(MODELS.weeks);
    const load = async (w: string) => {
      const docs = await Promise.all(this.city.companies.map(async (c) => [c.id, await weeks.get(weekDocId(w, c.id))] as const));
      return new Map(docs.flatMap(([id, d]) => (d ? [[id, d] as const] : [])));
    };
    const [now, before] = await Promise.all([load(week), load(previousWeek)]);
    return { week, rows: rankCompanies(this.city, now, before) };
  }
}
