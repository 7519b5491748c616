export {
  type ConnectedAppConfig,
  connectedAppSchema,
  connectedAppsFileSchema,
  OAUTH_FLOWS,
  type OAuthFlow,
} from './auth/apps.ts';
export { DEMO_JWT_CERTIFICATE, DEMO_JWT_PRIVATE_KEY } from './auth/demo-app.ts';
export type { FaultMetrics } from './faults/injector.ts';
export { type FaultConfig, type FaultKind, type FaultRule, faultConfigSchema } from './faults/rules.ts';
export { type AppOptions, createApp } from './http/app.ts';
export type { CustomMetadata } from './metadata/catalog.ts';
export type { Metrics } from './meter.ts';
export { createOrg, type Org, type OrgOptions } from './org.ts';
export { DEMO, DEMO_SEEDED_AT, type DemoUser, seedDemo } from './seed/demo.ts';
export { resetOrg } from './seed/reset.ts';
export { type ScaleCounts, type ScaleOptions, scaleCounts, seedScale } from './seed/scale.ts';
export { type EmulatorOptions, type RunningEmulator, startEmulator } from './server.ts';
