import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HEALTH_DESCRIPTOR_SET, YIWANG_DESCRIPTOR_SET } from '@yiwang/proto/descriptor-sets';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** What the reflection service serves: the files, and which services it lists. */
export interface ReflectionDescriptors {
  /** In the shape `@grpc/reflection` reads (`fileDescriptorProtos` of each entry). */
  readonly definition: PackageDefinition;
  readonly services: readonly string[];
}

const filesOf = (base64: string): Buffer[] =>
  fromBinary(FileDescriptorSetSchema, Buffer.from(base64, 'base64')).file.map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f)));

let cached: Buffer[] | null = null;

/**
 * The descriptors reflection serves: the exact FileDescriptorProtos buf compiled from `proto/`
 * (with their imports, e.g. `google/protobuf/timestamp.proto`) and the standard health service,
 * generated into `@yiwang/proto/descriptor-sets` by `npm run gen`. Standard clients (grpcurl,
 * Postman, Kreya) resolve every type of every listed service from them with no `.proto` files.
 * Only the services this server runs (and health) are listed.
 */
export function reflectionDescriptors(serviceNames: readonly string[]): ReflectionDescriptors {
  cached ??= [...filesOf(YIWANG_DESCRIPTOR_SET), ...filesOf(HEALTH_DESCRIPTOR_SET)];
  return {
    definition: { descriptors: { fileDescriptorProtos: cached } } as unknown as PackageDefinition,
    services: [...serviceNames, HEALTH_SERVICE],
  };
}
