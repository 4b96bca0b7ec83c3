// The Telegram outbox: every Bot API call of the bridge goes through one of these.
export { createOutbox, OutboxStoppedError, systemClock } from './outbox';
export type {
  CallControl,
  Clock,
  Outbox,
  OutboxJob,
  OutboxOptions,
  OutboxStats,
  RetryInfo,
} from './outbox';
export { classifyTelegramError } from './classify-error';
export type { ErrorClass, ErrorClassifier } from './classify-error';
export { defaultBackoff, defaultLimits } from './scheduler';
export type { BackoffConfig, OutboxLimits, Priority } from './scheduler';
