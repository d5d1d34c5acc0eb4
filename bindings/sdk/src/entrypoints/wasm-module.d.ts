// Edge runtimes and bundlers turn a static import of a .wasm file into a compiled module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
