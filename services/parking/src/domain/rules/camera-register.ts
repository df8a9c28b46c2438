import { ValidationError } from '@yiwang/kernel-core';

/**
 * The published register of enforcement cameras (行政处罚法 Art 41: camera evidence counts only
 * from devices that passed legal and technical review and whose sites were published; 道路交通安全法
 * Art 114). A camera missing here, or not yet published, records nothing.
 */
export type CameraEntry = Readonly<{
  cameraId: string;
  kind: 'fixed' | 'patrol_vehicle';
  road: string;
  district: string;
  /** The squad that handles what this camera records. */
  squad: string;
  /** Date the site was published (YYYY-MM-DD); before it, the camera is not evidence. */
  publishedOn: string;
  reviewRef: string;
}>;

export type CameraRegister = ReadonlyMap<string, CameraEntry>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseCameraRegister(raw: { cameras?: unknown }): CameraRegister {
  if (!Array.isArray(raw.cameras)) throw new ValidationError('camera register: cameras must be a list', []);
  const out = new Map<string, CameraEntry>();
  for (const [i, c] of (raw.cameras as Record<string, unknown>[]).entries()) {
    const ok =
      typeof c['cameraId'] === 'string' &&
      (c['kind'] === 'fixed' || c['kind'] === 'patrol_vehicle') &&
      typeof c['road'] === 'string' &&
      typeof c['district'] === 'string' &&
      typeof c['squad'] === 'string' &&
      typeof c['publishedOn'] === 'string' &&
      DATE.test(c['publishedOn']) &&
      typeof c['reviewRef'] === 'string' &&
      c['reviewRef'] !== '';
    if (!ok)
      throw new ValidationError(`camera register: entry ${i} is incomplete`, [{ field: `cameras[${i}]`, message: JSON.stringify(c) }]);
    out.set(c['cameraId'] as string, c as unknown as CameraEntry);
  }
  return out;
}

/** Whether a camera's record at `localDate` (YYYY-MM-DD, Shanghai) is evidence. */
export const cameraIsEvidence = (camera: CameraEntry | null, localDate: string): camera is CameraEntry =>
  camera !== null && camera.publishedOn <= localDate;
