export { getTestCertificate, type TestCertificate } from './certificate.js';
export { SmtpFixture } from './smtp-fixture.js';
export { startSmtpServer } from './start-smtp-server.js';
export type {
  ReceivedAlternative,
  ReceivedEnvelope,
  ReceivedMessage,
  SmtpEvent,
  SmtpFaultAt,
  SmtpFaults,
  SmtpFixtureBackendOptions,
  SmtpFixtureOptions,
  SmtpReply,
  SmtpStage,
} from './types.js';
