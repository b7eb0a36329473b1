// src-common compiles without DOM and Node types (tsconfig.engine.json); both runtimes have the
// WHATWG text codecs, which EncodedValue (protocol.ts) uses. These name the members it relies on;
// where DOM or Node types are loaded, the declarations merge with theirs.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  decode(input?: Uint8Array): string;
}
