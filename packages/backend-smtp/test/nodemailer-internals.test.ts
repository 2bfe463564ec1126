/**
 * The pipelined path takes over the socket of nodemailer's SMTPConnection (docs/decisions.md,
 * "Backends"). It relies on members nodemailer does not document; this test pins them, so a
 * nodemailer release that renames one fails here, in CI, instead of in a user's production.
 */
import { startSmtpServer } from '@mail/testing';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { describe, expect, it } from 'vitest';

describe('the nodemailer SMTPConnection members the pipelined path relies on', () => {
  it('exist on a connected client, with the shapes we use', async () => {
    await using smtp = await startSmtpServer();
    const connection = new SMTPConnection({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true });
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect(() => resolve());
    });
    try {
      const internals = connection as unknown as Record<string, unknown>;
      const socket = internals._socket as import('node:net').Socket;
      expect(socket?.constructor?.name).toMatch(/Socket/);
      expect(typeof internals._onSocketData).toBe('function');
      // nodemailer reads the server's replies through this listener; we detach and reattach it.
      expect(socket.listeners('data')).toContain(internals._onSocketData);
      expect(Array.isArray(internals._supportedExtensions)).toBe(true);
      expect(internals._supportedExtensions).toContain('PIPELINING');
      expect(internals).toHaveProperty('lastServerResponse');
    } finally {
      connection.close();
    }
  });

  it('SIZE, AUTH and the socket timeout, as the SIZE check, the AUTH check and the reply deadline read them', async () => {
    await using smtp = await startSmtpServer({ size: 12_345, auth: { username: 'u', password: 'p' } });
    const connection = new SMTPConnection({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, socketTimeout: 4321 });
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect(() => resolve());
    });
    try {
      const internals = connection as unknown as Record<string, unknown>;
      expect(internals._supportedExtensions).toContain('SIZE');
      expect(internals._maxAllowedSize).toBe(12_345);
      expect(internals._supportedAuth).toEqual(expect.arrayContaining(['PLAIN']));
      expect((internals.options as { socketTimeout?: number }).socketTimeout).toBe(4321);
    } finally {
      connection.close();
    }
  });
});
