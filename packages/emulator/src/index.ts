export { type AppOptions, createApp } from './http/app.ts';
export type { CustomMetadata } from './metadata/catalog.ts';
export type { Metrics } from './meter.ts';
export { createOrg, type Org, type OrgOptions } from './org.ts';
export { DEMO, DEMO_SEEDED_AT, type DemoUser, seedDemo } from './seed/demo.ts';
export { resetOrg } from './seed/reset.ts';
export { type ScaleCounts, type ScaleOptions, scaleCounts, seedScale } from './seed/scale.ts';
export { type EmulatorOptions, type RunningEmulator, startEmulator } from './server.ts';
