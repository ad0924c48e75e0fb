/**
 * The part of the WebAssembly JavaScript API the engine uses. Node has it; TypeScript declares
 * it only in its DOM libraries, which the project does not load.
 */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    /** Always shared here: memories are created with `shared: true`. */
    readonly buffer: SharedArrayBuffer;
    grow(deltaPages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
