import { ParkingServiceService, type ParkingServiceServer } from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type CameraIngest } from '../../application/camera-ingest';
import { type ParkingApp } from '../../application/parking-app';
import { type ParkingQueries } from '../../application/queries';
import { type DispatchLink } from '../../application/dispatch-link';
import { obstructionMethods } from './obstruction-grpc';
import { readMethods } from './read-grpc';
import { violationMethods } from './violation-grpc';

/**
 * `yiwang.parking.v1.ParkingService`. Each command method turns the request into a domain command
 * with the caller as actor and the service clock's time; the deciders authorise and validate, and
 * the platform maps their errors to statuses (FORBIDDEN → PERMISSION_DENIED, CONCURRENCY → ABORTED,
 * VALIDATION → INVALID_ARGUMENT, ILLEGAL_STATE → FAILED_PRECONDITION).
 */
export function parkingGrpcService(deps: { app: ParkingApp; ingest: CameraIngest; queries: ParkingQueries; dispatchLink: DispatchLink }) {
  const implementation: ParkingServiceServer = { ...violationMethods(deps), ...obstructionMethods(deps), ...readMethods(deps) };
  return { definition: ParkingServiceService, implementation };
}
