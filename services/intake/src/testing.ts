// Test helpers of intake, for system tests in test/ (entered as @yiwang/intake/testing; never used by the service).
export * from './intake.test-helpers';
