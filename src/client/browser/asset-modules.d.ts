// The client build (scripts/build-client.ts) loads images with esbuild's file loader: importing
// one yields the URL of its content-hashed copy.
declare module '*.png' {
  const url: string;
  export default url;
}
