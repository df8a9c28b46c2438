export * from './gen/yiwang/common/v1/common';
