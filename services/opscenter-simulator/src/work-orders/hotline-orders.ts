import { CoordinateSystem, WorkOrderSource, type SubmitWorkOrderRequest } from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';

/** Centre category codes the generator draws from (a subset of the shared code table). */
const CATEGORIES = [
  { code: 'SR-0102', text: '市民来电反映路边垃圾堆积多日无人清运' },
  { code: 'SR-0104', text: '市民反映道路不洁，有大量油污' },
  { code: 'SR-0201', text: '来电反映小区门口墙面张贴大量小广告' },
  { code: 'SR-0302', text: '夜间施工噪声扰民' },
  { code: 'FC-0103', text: '雨水井盖缺失，存在安全隐患' },
  { code: 'FC-0110', text: '路灯连续多日不亮' },
  { code: 'FC-0204', text: '人行道板破损，行人易绊倒' },
  { code: 'FC-0303', text: '果皮箱破损' },
] as const;

/**
 * A 12345-style work order: the hotline's order number (date + serial), a category of the centre's
 * code table, a place, a caller. `places` are points in the city (the caller passes grid cell centres).
 */
export function hotlineOrder(i: number, places: ReadonlyArray<{ lat: number; lon: number }>, day = new Date()): SubmitWorkOrderRequest {
  const c = CATEGORIES[i % CATEGORIES.length]!;
  const place = places[i % Math.max(1, places.length)] ?? { lat: 35.2401, lon: 113.2337 };
  const ymd = day.toISOString().slice(0, 10).replace(/-/g, '');
  return {
    externalId: `12345-${ymd}-${String(i + 1).padStart(5, '0')}`,
    source: WorkOrderSource.WORK_ORDER_SOURCE_HOTLINE_12345,
    categoryCode: c.code,
    location: { latitude: place.lat, longitude: place.lon },
    coordinateSystem: CoordinateSystem.COORDINATE_SYSTEM_WGS84,
    address: '',
    description: c.text,
    contacts: [{ name: '市民', phone: `1380000${String(1000 + (i % 9000)).padStart(4, '0')}` }],
    deadline: undefined,
    household: undefined,
  };
}
