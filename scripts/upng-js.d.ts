// The part of upng-js (no types of its own) the build uses.
declare module 'upng-js' {
  /** cnum 0 = lossless; returns the PNG file. */
  export function encode(frames: ArrayBuffer[], width: number, height: number, cnum: number): ArrayBuffer;
  const UPNG: { encode: typeof encode };
  export default UPNG;
}
