import { deadlineAfter, businessCalendar } from '@yiwang/working-time';
import { shippedCityConfig, termsFor, seasonStartMs, type ComplaintTerms } from '../config';
import { type Actor } from '../shared/actor';
import { type CompanyId, type ComplaintId, type HouseholdId, type Instant } from '../shared/values';
import { type ComplaintReceived } from './complaint-events';
import { type RecordMeasurement } from './complaint-commands';

/** Shared fixtures of the complaint specs: Jiaozuo's terms (Beijing rule), actors, ready-made histories. */

export const CITY = shippedCityConfig('jiaozuo');
export const ID = 'HC-20251201-0001' as ComplaintId;
export const HOUSEHOLD = 'jz-hongxing:3-2-501' as HouseholdId;
export const COMPANY = 'dept.heating.zhongzhou' as CompanyId;
export const TERMS: ComplaintTerms = termsFor(CITY, 12000);
export const SEASON_STARTS = new Date(seasonStartMs(CITY)).toISOString();

export const t = (hhmm: string, day = '2026-12-01'): Instant => `${day}T${hhmm}:00+08:00` as Instant;
export const RECEIVED = t('09:00');
/** `deadlineAfter` with the city's clock-hour limit: 24 h after the complaint. */
export const MEASURE_BY = deadlineAfter(businessCalendar(), new Date(RECEIVED), CITY.limits.measure).toISOString() as Instant;

export const company: Actor = { subject: 'zhang.wei', department: COMPANY, roles: [] };
export const otherCompany: Actor = { subject: 'liu.yang', department: 'dept.heating.wanfang', roles: [] };
export const office: Actor = { subject: 'li.na', department: 'heating.office', roles: ['heating.supervision'] };
export const hotline: Actor = { subject: 'integration', department: 'system.integration', roles: ['heating.intake'] };
export const lab: Actor = { subject: 'qian.lab', department: 'lab.henan-metrology', roles: ['heating.lab'] };
export const system: Actor = { subject: 'deadline-checker', department: 'system.heating', roles: ['system'] };

export const received: ComplaintReceived = {
  type: 'heating.complaint.received.v1',
  data: {
    complaintId: ID,
    householdId: HOUSEHOLD,
    compoundId: 'jz-hongxing',
    companyId: COMPANY,
    channel: 'hotline',
    pointId: '',
    description: '家里暖气不热, 室温只有15度',
    contact: { name: 'pd1.sealed-name', phone: 'pd1.sealed-phone', address: 'pd1.sealed-address' },
    externalRef: '12345-8812',
    receivedAt: RECEIVED,
    measureDeadline: MEASURE_BY,
    terms: TERMS,
  },
};

export const METHOD = { doorsClosedMinutes: 60, position: 'room_centre', heightCm: 100 };
type MeasureData = RecordMeasurement['data'];
/** A measurement command: bedroom and living room at the given temperatures, resident signs. */
export const measure = (
  actor: Actor,
  at: Instant,
  celsius: readonly [number, number],
  over: Partial<MeasureData> = {},
): RecordMeasurement => ({
  type: 'RecordMeasurement',
  actor,
  data: {
    rooms: [
      { room: '主卧', roomType: 'bedroom', celsius: celsius[0] },
      { room: '客厅', roomType: 'living_room', celsius: celsius[1] },
      { room: '厨房', roomType: 'other', celsius: 12 },
    ],
    method: METHOD,
    residentResponse: 'signed',
    cause: 'network',
    photoRefs: ['photos/thermo-1.jpg'],
    fixDeadline: new Date(Date.parse(at) + 24 * 3_600_000).toISOString(),
    at,
    ...over,
  },
});
