/** The intake domain: pure deciders, categories, geo and duplicate matching (no I/O). */
export * from './shared/values';
export * from './categories';
export * from './geo';
export * from './report';
