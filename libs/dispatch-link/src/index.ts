/**
 * @yiwang/dispatch-link — how a line of work (parking, enforcement) answers a dispatch case it took
 * over: dispatch's public gRPC, signing for the case and reporting its handling once.
 */
export * from './dispatch-feedback';
