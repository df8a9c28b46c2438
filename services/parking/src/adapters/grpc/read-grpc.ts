import { authed } from '@yiwang/platform';
import type * as api from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type ParkingQueries } from '../../application/queries';
import { actorOf } from './command';

/** The paged list methods of `yiwang.parking.v1.ParkingService`: open notices and hot spots of a squad. */
export function readMethods({ queries }: { queries: ParkingQueries }) {
  return {
    listOpenNotices: authed<api.ListOpenNoticesRequest, api.ListOpenNoticesResponse>(async (r, principal) => {
      const actor = actorOf(principal);
      const page = await queries.openNoticesPage(r.squad, actor, { pageSize: r.pageSize, pageToken: r.pageToken });
      return { squad: r.squad || actor.department, notices: page.items, nextPageToken: page.nextPageToken, total: page.total };
    }),
    listHotSpots: authed<api.ListHotSpotsRequest, api.ListHotSpotsResponse>(async (r, principal) => {
      const actor = actorOf(principal);
      const page = await queries.hotSpotsPage(r.squad, actor, { pageSize: r.pageSize, pageToken: r.pageToken });
      return { squad: r.squad || actor.department, hotSpots: page.items, nextPageToken: page.nextPageToken, total: page.total };
    }),
  };
}
