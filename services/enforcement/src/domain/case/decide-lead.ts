import { ValidationError } from '@yiwang/kernel-core';
import { type EnforcementPolicy } from '../policy/policy';
import { Roles, requireSquad } from '../shared/actor';
import { EnforcementCaseId, SquadId, fileRefs, oneOf, optionalText, text } from '../shared/values';
import {
  type DecideNotToFile,
  type DecidePreservation,
  type EvidenceInput,
  type ExtendLeadCheck,
  type FileCase,
  type IdentifyParty,
  type PreserveEvidence,
  type RecordInvestigation,
  type RegisterSource,
  type SourceInput,
} from './commands';
import {
  ACT_KINDS,
  EVIDENCE_KINDS,
  PRESERVATION_DISPOSITIONS,
  SOURCE_KINDS,
  type CaseSource,
  type EnforcementEvent,
  type Evidence,
} from './events';
import { at, due, existing, ids, inStatus, notAfter, refuse, twoOfficers } from './guards';
import { party } from './party-and-penalty';
import { type CaseState } from './state';

const OPEN_BEFORE_DECISION = ['lead', 'investigating', 'notice'] as const;
const { officer, approver } = Roles;

export function caseSource(raw: SourceInput): CaseSource {
  const kind = oneOf(raw?.kind, SOURCE_KINDS, 'source.kind');
  const ref = optionalText(raw.ref, 'source.ref', 100);
  if (kind !== 'own_discovery' && ref === '')
    throw new ValidationError(`source.ref is required for a ${kind} source (the case, work order or violation id)`, [
      { field: 'source.ref', message: 'empty' },
    ]);
  return {
    kind,
    ref,
    description: text(raw.description, 'source.description'),
    location: text(raw.location, 'source.location', 300),
    category: optionalText(raw.category, 'source.category', 40),
  };
}

/** 案源登记: the lead check (核查) runs 15 working days from receipt (住建部 2022). */
export function registerSource(c: RegisterSource, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const squadId = SquadId(c.data.squadId);
  requireSquad(c.actor, c.type, squadId, officer, approver);
  if (state.status !== 'none') refuse(state, `case ${state.caseId} already exists`, 'one source, one case');
  const receivedAt = at(c.data);
  const data = {
    caseId: EnforcementCaseId(c.data.caseId),
    squadId,
    district: text(c.data.district, 'district', 40),
    source: caseSource(c.data.source),
    party: c.data.party ? party(c.data.party) : null,
    receivedAt,
    checkDeadline: due(policy, receivedAt, 'leadCheck'),
  };
  return [{ type: 'enforcement.case.source_registered.v1', data }];
}

export function identifyParty(c: IdentifyParty, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'the party is named before the prior notice (Art 44)', 'lead', 'investigating');
  return [{ type: 'enforcement.case.party_identified.v1', data: { caseId: s.caseId, party: party(c.data.party), at: at(c.data) } }];
}

/** +10 working days, once, approved, before the 15 have run out. */
export function extendLeadCheck(c: ExtendLeadCheck, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, 'only a lead is checked', 'lead');
  if (s.checkExtended) refuse(s, 'the lead check was extended once already', '住建部 2022: +10 working days once');
  const now = at(c.data);
  if (!notAfter(now, s.checkDeadline))
    refuse(
      s,
      `the check period ended at ${s.checkDeadline}; an extension must be approved before it ends`,
      '住建部 2022: 15 working days, +10 with approval',
    );
  const newDeadline = due(policy, s.checkDeadline, 'leadCheckExtension');
  return [
    {
      type: 'enforcement.case.lead_check_extended.v1',
      data: {
        caseId: s.caseId,
        reason: text(c.data.reason, 'reason'),
        previousDeadline: s.checkDeadline,
        newDeadline,
        approvedBy: c.actor.subject,
        at: now,
      },
    },
  ];
}

function evidenceItem(
  raw: EvidenceInput,
  i: number,
  officers: readonly string[],
  collectedAt: string,
  policy: EnforcementPolicy,
): Evidence {
  const f = `evidence[${i}]`;
  const kind = oneOf(raw?.kind, EVIDENCE_KINDS, `${f}.kind`);
  const cameraSiteId = optionalText(raw.cameraSiteId, `${f}.cameraSiteId`, 80);
  if (kind === 'camera' && !policy.publishedCameraSites.has(cameraSiteId)) {
    throw new ValidationError(
      `${f}: camera evidence only from a published camera site (行政处罚法 Art 41); "${cameraSiteId}" is not published`,
      [{ field: `${f}.cameraSiteId`, message: 'not a published camera site' }],
    );
  }
  return {
    kind,
    description: text(raw.description, `${f}.description`),
    fileRefs: fileRefs(raw.fileRefs, `${f}.fileRefs`),
    cameraSiteId,
    collectedBy: officers,
    collectedAt: collectedAt as Evidence['collectedAt'],
  };
}

/** 调查取证: also before filing (evidence of the lead check is attached to the case). */
export function recordInvestigation(c: RecordInvestigation, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'investigation happens before the decision', ...OPEN_BEFORE_DECISION);
  const officers = twoOfficers(c.data.officers);
  const now = at(c.data);
  if (!Array.isArray(c.data.evidence) || c.data.evidence.length > 50)
    throw new ValidationError('evidence must be a list of at most 50 items', [{ field: 'evidence', message: 'bad list' }]);
  const evidence = c.data.evidence.map((e, i) => evidenceItem(e, i, officers, now, policy));
  const data = {
    caseId: s.caseId,
    actId: ids(c.data.actId, 'actId'),
    kind: oneOf(c.data.kind, ACT_KINDS, 'kind'),
    officers,
    notes: text(c.data.notes, 'notes', 4000),
    evidence,
    at: now,
  };
  return [{ type: 'enforcement.case.investigation_recorded.v1', data }];
}

/** 先行登记保存 (Art 56): approved by the head; the disposition is due within 7 working days. */
export function preserveEvidence(c: PreserveEvidence, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, 'Art 56: preservation during the investigation', ...OPEN_BEFORE_DECISION);
  const preservationId = ids(c.data.preservationId, 'preservationId');
  if (s.preservations.some((p) => p.id === preservationId)) refuse(s, `preservation ${preservationId} exists`, 'one id per preservation');
  const items = Array.isArray(c.data.items) ? c.data.items.map((x, i) => text(x, `items[${i}]`, 300)) : [];
  if (items.length === 0) throw new ValidationError('items: name at least one preserved item', [{ field: 'items', message: 'empty' }]);
  const now = at(c.data);
  const data = {
    caseId: s.caseId,
    preservationId,
    items,
    officers: twoOfficers(c.data.officers),
    approvedBy: c.actor.subject,
    at: now,
    decisionDeadline: due(policy, now, 'preservationDecision'),
  };
  return [{ type: 'enforcement.case.evidence_preserved.v1', data }];
}

/** The disposition of preserved evidence; a late one is recorded as late (the duty remains). */
export function decidePreservation(c: DecidePreservation, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  const p = s.preservations.find((x) => x.id === c.data.preservationId);
  if (!p)
    throw new ValidationError(`no preservation ${String(c.data.preservationId)} in this case`, [
      { field: 'preservationId', message: 'unknown' },
    ]);
  if (p.decidedAt) refuse(s, `preservation ${p.id} was decided at ${p.decidedAt}`, 'Art 56: decided once');
  const now = at(c.data);
  const disposition = oneOf(c.data.disposition, PRESERVATION_DISPOSITIONS, 'disposition');
  return [
    {
      type: 'enforcement.case.preservation_decided.v1',
      data: {
        caseId: s.caseId,
        preservationId: p.id,
        disposition,
        note: optionalText(c.data.note, 'note'),
        at: now,
        onTime: notAfter(now, p.deadline),
      },
    },
  ];
}

/** 立案, approved; the 90 days of Art 60 start here. */
export function fileCase(c: FileCase, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '立案 follows the lead check', 'lead');
  const flags = Array.isArray(c.data.flags)
    ? [
        ...new Set(
          c.data.flags.map((f, i) => oneOf(f, ['major_public_interest', 'complex', 'serious', 'illegal_structure'], `flags[${i}]`)),
        ),
      ]
    : [];
  const filedAt = at(c.data);
  const data = {
    caseId: s.caseId,
    cause: text(c.data.cause, 'cause', 500),
    flags,
    approvedBy: c.actor.subject,
    filedAt,
    decisionDeadline: due(policy, filedAt, 'decision'),
    checkOnTime: notAfter(filedAt, s.checkDeadline),
  };
  return [{ type: 'enforcement.case.filed.v1', data }];
}

export function decideNotToFile(c: DecideNotToFile, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '不予立案 ends the lead check', 'lead');
  const now = at(c.data);
  return [
    {
      type: 'enforcement.case.not_filed.v1',
      data: {
        caseId: s.caseId,
        reason: text(c.data.reason, 'reason'),
        approvedBy: c.actor.subject,
        at: now,
        checkOnTime: notAfter(now, s.checkDeadline),
      },
    },
  ];
}
