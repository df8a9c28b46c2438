// A gateway may report work for a device registered a moment ago: the register view can be behind
// (its projector has not run), the device's own stream is not, and the batch must not be refused.
import { TestClock } from '@yiwang/kernel-core';
import { MongoEventStore, MongoReadModels } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { businessCalendar } from '@yiwang/working-time';
import { deviceDecider, deviceStreamId, shippedStandards } from '../domain';
import { people } from '../sanitation.test-helpers';
import { registerProjection } from './projections/register';
import { SanitationService } from './sanitation-service';

let t: Awaited<ReturnType<typeof testDatabase>>;
afterAll(async () => t?.close());

it('finds a device registered a moment ago, though the register view does not have it yet', async () => {
  t = await testDatabase(__filename);
  const store = new MongoEventStore(t.db, { serviceName: 'sanitation' });
  await store.init();
  const clock = new TestClock('2025-03-04T08:00:00+08:00');
  // The view's projector never runs here: it is behind by everything.
  const service = new SanitationService(
    store,
    clock,
    businessCalendar(),
    shippedStandards(),
    async () => new MongoReadModels(t.db, registerProjection.name, 1),
  );
  await service.execute(
    deviceDecider,
    deviceStreamId('SW-9'),
    {
      type: 'RegisterDevice',
      actor: people.admin,
      data: { deviceId: 'SW-9', kind: 'sweeper', contractor: 'contractor.huanjie', at: service.now() },
    },
    { actor: people.admin },
  );
  expect(await service.devices(['SW-9', 'SW-unknown', ''])).toEqual({ 'SW-9': 'contractor.huanjie' });
});
