export * from './priorities';
export * from './event-queue';
export * from './prng';
export * from './kernel-log';
export * from './trace';
export * from './params';
export * from './component';
export * from './simulation';
export { NS, US, MS, SEC, MIN, HOUR, DAY } from '../../../src-common/parse/duration';
