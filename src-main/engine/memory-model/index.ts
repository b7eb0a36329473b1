export * from './program';
export * from './values';
export * from './bounds';
export * from './axiomatic';
export * from './machine';
export * from './explore';
export * from './render';
export * from './replay';
