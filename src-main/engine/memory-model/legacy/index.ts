export * from './program';
export * from './machine';
export * from './explore';
export * from './render';
