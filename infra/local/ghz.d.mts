export declare const GHZ_VERSION: string;
/** The ghz binary: GHZ_BIN, or built once with Go into the cache. */
export declare function ensureGhz(): string;
