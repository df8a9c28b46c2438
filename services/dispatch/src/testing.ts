// Test helpers of dispatch, for system tests in test/ (entered as @yiwang/dispatch/testing; never used by the service).
export * from './dispatch.test-helpers';
