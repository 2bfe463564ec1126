import { EmailBackend } from '@mail/backend-smtp';
import { runBackendConformance } from '@mail/testing/conformance';

runBackendConformance({ name: 'smtp', create: (ctx) => new EmailBackend(ctx.smtp.backendOptions()) });

runBackendConformance({
  name: 'smtp over STARTTLS with AUTH',
  smtp: { tls: 'starttls', auth: { username: 'conformance', password: 'c0nformance-pw' } },
  create: (ctx) => new EmailBackend(ctx.smtp.backendOptions()),
});

runBackendConformance({
  name: 'smtp with a shared pool',
  create: (ctx) => new EmailBackend({ ...ctx.smtp.backendOptions(), pool: { maxConnections: 2 } }),
});
