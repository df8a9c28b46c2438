import { isDomainError, ValidationError } from '@yiwang/kernel-core';
import { problems, type HttpApp } from '@yiwang/platform';
import { type IntakeApplication } from '../../application/intake-application';
import { COORDINATE_SYSTEMS, type Crs } from '../../application/coordinate-systems';
import { callerWithRole, IntakeHttpRoles, metaFor } from './http-context';

const alarm = {
  type: 'object',
  required: ['deviceId', 'alarmId', 'category', 'location'],
  additionalProperties: false,
  properties: {
    deviceId: { type: 'string', minLength: 1, maxLength: 80 },
    alarmId: { type: 'string', minLength: 1, maxLength: 80 },
    category: { type: 'string', maxLength: 32 },
    location: {
      type: 'object',
      required: ['lat', 'lon'],
      additionalProperties: false,
      properties: { lat: { type: 'number' }, lon: { type: 'number' } },
    },
    crs: { type: 'string', enum: COORDINATE_SYSTEMS, description: 'datum of location (default wgs84)' },
    description: { type: 'string', maxLength: 500 },
  },
} as const;

type Alarm = {
  deviceId: string;
  alarmId: string;
  category: string;
  location: { lat: number; lon: number };
  crs?: Crs;
  description?: string;
};

export type AlarmResult =
  | { deviceId: string; alarmId: string; outcome: 'created' | 'duplicate'; reportId: string; status: string }
  | {
      deviceId: string;
      alarmId: string;
      outcome: 'rejected';
      error: { code: string; message: string; violations?: readonly { field: string; message: string }[] };
    };

/**
 * Sensor alarms (smart manhole covers, underpass water levels, gas and fume monitors) from a
 * gateway, in batches. Each alarm is a report whose id is derived from device + alarm id, so a
 * repeated alarm is recognised by the event store's exclusive first append, not by a query.
 * One bad alarm does not fail the batch: each gets its own result.
 */
export function registerSensorRoutes(app: HttpApp, intake: IntakeApplication): void {
  app.post<{ Body: { alarms: Alarm[] } }>(
    '/v1/sensor-alarms',
    {
      bodyLimit: 256 * 1024,
      schema: {
        summary: 'A batch of sensor alarms (role sensor.gateway), deduplicated per device and alarm',
        tags: ['sensors'],
        body: {
          type: 'object',
          required: ['alarms'],
          additionalProperties: false,
          properties: { alarms: { type: 'array', minItems: 1, maxItems: 100, items: alarm } },
        },
        response: problems({ 403: 'without role sensor.gateway' }),
      },
    },
    async (request) => {
      const principal = callerWithRole(request, IntakeHttpRoles.sensorGateway);
      const meta = metaFor(request, principal);
      const results: AlarmResult[] = [];
      for (const a of request.body.alarms) {
        const id = { deviceId: a.deviceId, alarmId: a.alarmId };
        try {
          const r = await intake.submit(
            {
              channel: 'sensor',
              category: a.category,
              location: a.location,
              crs: a.crs ?? 'wgs84',
              description: a.description ?? '',
              sensor: id,
            },
            meta,
          );
          results.push({ ...id, outcome: r.created ? 'created' : 'duplicate', reportId: r.report.reportId, status: r.report.status });
        } catch (e) {
          if (!isDomainError(e)) throw e;
          results.push({
            ...id,
            outcome: 'rejected',
            error: { code: e.code, message: e.message, ...(e instanceof ValidationError ? { violations: e.violations } : {}) },
          });
        }
      }
      return { results };
    },
  );
}
