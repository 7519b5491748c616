export { createApp } from './http/app.ts';
export type { CustomMetadata } from './metadata/catalog.ts';
export { createOrg, type Org, type OrgOptions } from './org.ts';
export { DEMO, seedDemo } from './seed/demo.ts';
export { type EmulatorOptions, type RunningEmulator, startEmulator } from './server.ts';
