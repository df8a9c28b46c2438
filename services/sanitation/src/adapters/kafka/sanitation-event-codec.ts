import { ProtobufEventCodec, type EventCodec, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/sanitation/v1/sanitation_events';
import type * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import {
  type FacilityDetails,
  type FacilityKind,
  type Geometry,
  type InspectionOutcome,
  type Siting,
  type ComponentId,
} from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

/** The register's facility as its protobuf message (kind-specific fields empty on other kinds). */
export function toPbFacility(d: FacilityDetails): api.Facility {
  return {
    facilityId: d.facilityId,
    kind: d.kind,
    name: d.name,
    district: d.district,
    contractor: d.contractor,
    location: { type: d.location.type, coordinates: d.location.coordinates.map((p) => ({ lon: p.lon, lat: p.lat })) },
    cells: [...d.cells],
    lengthM: d.lengthM ?? 0,
    areaM2: d.areaM2 ?? 0,
    grade: d.grade ?? '',
    toiletClass: d.toiletClass ?? '',
    siting: d.siting ?? '',
    opensAt: d.opensAt ?? '',
    closesAt: d.closesAt ?? '',
    capacityTonnesPerDay: d.capacityTonnesPerDay ?? 0,
  };
}

/** The raw (unvalidated) input form of a protobuf facility, empty fields left out. */
export function fromPbFacility(f: api.Facility | undefined): Record<string, unknown> {
  if (!f) return {};
  const location = { type: f.location?.type ?? '', coordinates: (f.location?.coordinates ?? []).map((p) => ({ lon: p.lon, lat: p.lat })) };
  const out: Record<string, unknown> = {
    facilityId: f.facilityId,
    kind: f.kind,
    name: f.name,
    district: f.district,
    contractor: f.contractor,
    location,
    cells: [...f.cells],
  };
  const optional: Array<[string, string | number]> = [
    ['lengthM', f.lengthM],
    ['areaM2', f.areaM2],
    ['grade', f.grade],
    ['toiletClass', f.toiletClass],
    ['siting', f.siting],
    ['opensAt', f.opensAt],
    ['closesAt', f.closesAt],
    ['capacityTonnesPerDay', f.capacityTonnesPerDay],
  ];
  for (const [k, v] of optional) if (v !== '' && v !== 0) out[k] = v;
  return out;
}

const facilityOf = (f: api.Facility | undefined): FacilityDetails => {
  const raw = fromPbFacility(f);
  return {
    ...(raw as unknown as FacilityDetails),
    facilityId: raw.facilityId as ComponentId,
    kind: raw.kind as FacilityKind,
    location: raw.location as Geometry,
    ...(raw.siting ? { siting: raw.siting as Siting } : {}),
  };
};

const OUTCOME_KEYS = [
  'samples',
  'limitGramsPerM2',
  'meanGramsPerM2',
  'odourLevel',
  'maxOdourLevel',
  'fliesPerM2',
  'maxFliesPerM2',
  'failedItems',
  'suppliesOk',
  'openingHoursKept',
  'passed',
  'findings',
] as const;
const splitOutcome = <T extends InspectionOutcome>(d: T): { outcome: pb.InspectionOutcome; rest: Omit<T, keyof InspectionOutcome> } => {
  const rest: Record<string, unknown> = { ...d };
  for (const k of OUTCOME_KEYS) delete rest[k];
  return { outcome: pb.InspectionOutcome.fromPartial(d), rest: rest as Omit<T, keyof InspectionOutcome> };
};

const plain = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<T> => ({
  messageType: `yiwang.sanitation.v1.${name}`,
  encode: (d: T) => fns.encode(d).finish(),
  decode: (b) => fns.decode(b),
});
const mapped = <D, T>(name: string, fns: Fns<T>, to: (d: D) => T, from: (m: T) => unknown): ProtobufMessageCodec<D> => ({
  messageType: `yiwang.sanitation.v1.${name}`,
  encode: (d: D) => fns.encode(to(d)).finish(),
  decode: (b) => from(fns.decode(b)) as D,
});

type Data = Record<string, unknown> & FacilityDetails & InspectionOutcome;
/**
 * `yiwang.sanitation.events.v1`: one protobuf message per event type; the event data is the
 * domain's, converted where protobuf needs another shape (positions, the nested outcome).
 */
export const SANITATION_EVENT_MESSAGES = {
  'sanitation.facility.registered.v1': mapped(
    'FacilityRegistered',
    pb.FacilityRegistered,
    (d: Data) => ({ facility: toPbFacility(d), registeredAt: String(d.registeredAt) }),
    (m) => ({ ...facilityOf(m.facility), registeredAt: m.registeredAt }),
  ),
  'sanitation.facility.updated.v1': mapped(
    'FacilityUpdated',
    pb.FacilityUpdated,
    (d: Data) => ({ facility: toPbFacility(d), updatedAt: String(d.updatedAt) }),
    (m) => ({ ...facilityOf(m.facility), updatedAt: m.updatedAt }),
  ),
  'sanitation.facility.retired.v1': plain('FacilityRetired', pb.FacilityRetired),
  'sanitation.device.registered.v1': plain('DeviceRegistered', pb.DeviceRegistered),
  'sanitation.task.work_recorded.v1': plain('WorkRecorded', pb.WorkRecorded),
  'sanitation.task.day_closed.v1': plain('DayClosed', pb.DayClosed),
  'sanitation.inspection.recorded.v1': mapped(
    'InspectionRecorded',
    pb.InspectionRecorded,
    (d: Data) => {
      const { outcome, rest } = splitOutcome(d);
      return pb.InspectionRecorded.fromPartial({ ...rest, outcome });
    },
    (m) => ({ ...m, outcome: undefined, ...pb.InspectionOutcome.fromPartial(m.outcome ?? {}) }),
  ),
  'sanitation.inspection.corrected.v1': mapped(
    'InspectionCorrected',
    pb.InspectionCorrected,
    (d: Data) => {
      const { outcome, rest } = splitOutcome(d);
      return pb.InspectionCorrected.fromPartial({ ...rest, outcome });
    },
    (m) => ({ ...m, outcome: undefined, ...pb.InspectionOutcome.fromPartial(m.outcome ?? {}) }),
  ),
  'sanitation.inspection.rectification_opened.v1': plain('RectificationOpened', pb.RectificationOpened),
  'sanitation.inspection.rectification_completed.v1': plain('RectificationCompleted', pb.RectificationCompleted),
  'sanitation.inspection.rectification_overdue.v1': plain('RectificationOverdue', pb.RectificationOverdue),
  'sanitation.inspection.rectification_withdrawn.v1': plain('RectificationWithdrawn', pb.RectificationWithdrawn),
  'sanitation.inspection.report_filed.v1': plain('ReportFiled', pb.ReportFiled),
  'sanitation.inspection.report_closed.v1': plain('ReportClosed', pb.ReportClosed),
} as const;

export type SanitationEventType = keyof typeof SANITATION_EVENT_MESSAGES;
export const SANITATION_EVENT_TYPES = Object.keys(SANITATION_EVENT_MESSAGES) as readonly SanitationEventType[];

/** The codec of `yiwang.sanitation.events.v1`: protobuf, strict (an event without a message is a bug). */
export const sanitationEventCodec = (): EventCodec => new ProtobufEventCodec(SANITATION_EVENT_MESSAGES);
