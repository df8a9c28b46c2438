export * from './category';
export * from './category-table-decider';
