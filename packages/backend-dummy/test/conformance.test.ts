import { EmailBackend } from '@mail/backend-dummy';
import { runBackendConformance } from '@mail/testing/conformance';

runBackendConformance({ name: 'dummy', create: () => new EmailBackend() });
