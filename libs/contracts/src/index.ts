/**
 * @yiwang/contracts — rules that more than one service must apply identically because they are
 * part of what services promise each other (not of any one service's domain).
 */
export * from './case-ids';
export * from './dispatch-case-events';
