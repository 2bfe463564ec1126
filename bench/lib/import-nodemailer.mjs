// Cold import of nodemailer, for reference next to @mail/core.
await import('nodemailer');
