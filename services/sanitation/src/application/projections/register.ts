import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import {
  DEVICE_EVENT_TYPES,
  evolveFacility,
  FACILITY_EVENT_TYPES,
  type DeviceEvent,
  type FacilityDetails,
  type FacilityEvent,
  type FacilityState,
} from '../../domain';

export const MODELS = { facilities: 'facilities', devices: 'devices', index: 'facility_index' } as const;

export type FacilityDoc = { details: FacilityDetails; status: 'active' | 'retired'; version: number };
export type DeviceDoc = { deviceId: string; kind: string; contractor: string };
/** The ids of one kind's facilities (`kind:road` …): what closing a day walks, read by `_id`. */
export type IndexDoc = { ids: string[] };

async function applyOne(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<FacilityDoc | null> {
  if (e.type.startsWith('sanitation.device.')) {
    const d = (e as unknown as DeviceEvent).data;
    await models
      .model<DeviceDoc>(MODELS.devices)
      .upsert(d.deviceId, e, () => ({ deviceId: d.deviceId, kind: d.kind, contractor: d.contractor }));
    return null;
  }
  const event = { type: e.type, data: e.data } as FacilityEvent;
  const id = e.streamId.replace(/^facility-/, '');
  const facilities = models.model<FacilityDoc>(MODELS.facilities);
  await facilities.upsert(id, e, (cur) => {
    const state: FacilityState = evolveFacility(
      cur
        ? cur.status === 'active'
          ? { status: 'active', details: cur.details }
          : { status: 'retired', details: cur.details, retiredAt: '' }
        : { status: 'none' },
      event,
    );
    return state.status === 'none' ? null : { details: state.details, status: state.status, version: e.streamVersion };
  });
  return facilities.get(id);
}

/**
 * The register as read models: facilities and devices by `_id` (guarded by stream version) and
 * the per-kind index (guarded by log position, written once per batch).
 */
export const registerProjection: Projection = {
  name: 'sanitation_register',
  handles: [...FACILITY_EVENT_TYPES, ...DEVICE_EVENT_TYPES],
  async apply(e, models) {
    const doc = await applyOne(e, models);
    if (doc && e.position !== null) await writeIndex([doc], e.position, models);
  },
  async applyBatch(events, models) {
    const docs: FacilityDoc[] = [];
    for (const e of events) {
      const doc = await applyOne(e, models);
      if (doc) docs.push(doc);
    }
    await writeIndex(docs, events[events.length - 1]!.position, models);
  },
};

async function writeIndex(docs: readonly FacilityDoc[], position: number, models: ReadModels): Promise<void> {
  const byKind = new Map<string, Map<string, boolean>>();
  for (const d of docs) {
    const m = byKind.get(d.details.kind) ?? new Map<string, boolean>();
    m.set(d.details.facilityId, d.status === 'active');
    byKind.set(d.details.kind, m);
  }
  for (const [kind, changes] of byKind) {
    await models.model<IndexDoc>(MODELS.index).upsert(`kind:${kind}`, { position }, (cur) => {
      const ids = new Set(cur?.ids ?? []);
      for (const [id, active] of changes) {
        if (active) ids.add(id);
        else ids.delete(id);
      }
      return { ids: [...ids].sort() };
    });
  }
}
