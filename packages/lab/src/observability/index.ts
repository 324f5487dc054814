// OpenTelemetry: the SDK the command line starts from the standard variables.
export {
  startTelemetry,
  telemetrySettings,
  type OtlpProtocol,
  type TelemetrySession,
  type TelemetrySettings,
} from './open-telemetry.js';
