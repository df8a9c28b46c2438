import { IllegalStateError } from '@yiwang/kernel-core';
import { CategoryCode, URGENCIES, UNIT_TYPES } from '../categories/category';
import { validateLatLon } from '../geo/coordinates';
import { type CellRef } from '../geo/unit-grid';
import { Instant, ReportId, oneOf, text, violation } from '../shared/values';
import { type ReceiveReport } from './report-commands';
import { AUTO_FILED_CHANNELS, CHANNELS, type CategorySnapshot, type ReportEvent, type ReporterContact } from './report-events';
import { type ReportState } from './report-state';
import { handoverOf, validateHousehold } from './handover';

/**
 * 信息收集 and the filing rules (立案规则) per channel:
 * - a duplicate (the handler found an open report nearby) is merged at once, whatever the channel;
 * - inspector, camera, sensor and ops-centre reports on the grid are filed at once;
 * - citizen and hotline reports, and anything off the grid, wait for the supervision centre.
 */
const PHONE = /^\+?[0-9][0-9 -]{4,19}$/;

function category(raw: CategorySnapshot): CategorySnapshot {
  const d = (raw?.deadline ?? {}) as Partial<CategorySnapshot['deadline']>;
  if (typeof d.amount !== 'number' || !(d.amount > 0) || (d.unit !== 'working_hours' && d.unit !== 'working_days')) {
    throw violation('category.deadline', 'must be a positive working duration');
  }
  return {
    code: CategoryCode(raw?.code, 'category.code'),
    urgency: oneOf(raw.urgency, 'category.urgency', URGENCIES),
    unitType: oneOf(raw.unitType, 'category.unitType', UNIT_TYPES),
    deadline: { amount: d.amount, unit: d.unit },
  };
}

function cell(raw: CellRef | null): CellRef | null {
  if (raw === null || raw === undefined) return null;
  if (!/^\d{15}$/.test(String(raw.cellId))) throw violation('cell.cellId', 'must be a 15-digit grid cell code');
  return {
    cellId: raw.cellId,
    district: text(raw.district, 'cell.district', { max: 40 }),
    street: text(raw.street, 'cell.street', { max: 40 }),
    community: text(raw.community, 'cell.community', { max: 40 }),
  };
}

function contact(raw: ReceiveReport['data']['reporter']): ReporterContact | null {
  if (raw === undefined) return null;
  const name = raw.name === undefined || raw.name === '' ? null : text(raw.name, 'reporter.name', { max: 50 });
  const phone = raw.phone === undefined || raw.phone === '' ? null : raw.phone;
  if (phone !== null && !PHONE.test(phone)) throw violation('reporter.phone', 'is not a phone number');
  return name === null && phone === null ? null : { name, phone };
}

export function receiveReport(command: ReceiveReport, state: ReportState): readonly ReportEvent[] {
  if (state.status !== 'none') {
    throw new IllegalStateError(`ReceiveReport: report ${state.reportId} already exists (${state.status})`, {
      command: command.type,
      status: state.status,
    });
  }
  const d = command.data;
  const reportId = ReportId(d.reportId);
  const channel = oneOf(d.channel, 'channel', CHANNELS);
  const at = Instant(d.at);
  const photos = d.photoRefs ?? [];
  if (!Array.isArray(photos) || photos.length > 10 || photos.some((p) => typeof p !== 'string' || p === '' || p.length > 500)) {
    throw violation('photoRefs', 'at most 10 photo references');
  }
  const sensor =
    d.sensor === undefined
      ? null
      : {
          deviceId: text(d.sensor.deviceId, 'sensor.deviceId', { max: 80 }),
          alarmId: text(d.sensor.alarmId, 'sensor.alarmId', { max: 80 }),
        };
  if (channel === 'sensor' && sensor === null) throw violation('sensor', 'a sensor report needs the device id and alarm id');
  const externalId = d.externalId === undefined ? null : text(d.externalId, 'externalId', { max: 80 });
  if (channel === 'opscenter' && externalId === null) throw violation('externalId', 'an operations-centre order needs its external id');
  const snapshot = category(d.category);
  const household = validateHousehold(d.household, snapshot);
  const received: Extract<ReportEvent, { type: 'intake.report.received.v1' }> = {
    type: 'intake.report.received.v1',
    data: {
      reportId,
      channel,
      category: snapshot,
      location: validateLatLon(d.location),
      cell: cell(d.cell),
      // Sensors send an alarm, not prose; everyone else must say what is wrong.
      description: text(d.description, 'description', { max: 2000, required: channel !== 'sensor' }),
      photoRefs: photos,
      reporter: contact(d.reporter),
      sensor,
      externalId,
      trackingToken: d.trackingToken === undefined ? null : text(d.trackingToken, 'trackingToken', { max: 100 }),
      receivedAt: at,
      ...(household ? { household } : {}),
    },
  };
  const r = received.data;
  const handover = handoverOf(r);
  if (d.duplicateOf !== undefined) {
    const masterReportId = ReportId(d.duplicateOf.reportId, 'duplicateOf.reportId');
    if (masterReportId === reportId) throw violation('duplicateOf.reportId', 'a report cannot duplicate itself');
    return [
      received,
      {
        type: 'intake.report.marked_duplicate.v1',
        data: { reportId, masterReportId, caseId: d.duplicateOf.caseId ?? null, by: 'rule', markedAt: at },
      },
    ];
  }
  if (AUTO_FILED_CHANNELS.includes(channel) && r.cell !== null) {
    return [
      received,
      {
        type: 'intake.report.filed.v1',
        data: {
          reportId,
          by: 'rule',
          category: r.category,
          cell: r.cell,
          location: r.location,
          note: `auto-filed: ${channel}`,
          filedAt: at,
          ...(handover ? { handover } : {}),
        },
      },
    ];
  }
  return [received];
}

export { cell as validateCellRef };
