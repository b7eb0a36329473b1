export * from './schema';
export * from './host';
export * from './guest';
export * from './workload';
export * from './devices/mhi';
export * from './devices/aie';
export * from './devices/dmabuf';
export { emptyWorkspace } from './empty';
