// lint-as: src-main/engine/run/fixture.ts
// expect: No import for its side effects
import '../aie/params';
export {};
