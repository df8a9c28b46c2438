export declare const GRPCURL_VERSION: string;
export declare function ensureGrpcurl(): string;
