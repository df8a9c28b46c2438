// The enforcement domain: pure (kernel-core and working-time only).
export * from './shared/values';
export * from './shared/actor';
export * from './policy/policy';
export * from './case';
export * from './indicators/indicators';
export * from './handover/dispatch-handover';
