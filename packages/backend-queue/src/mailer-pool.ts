import {
  BackendImportError,
  type BaseEmailBackend,
  ConfigurationError,
  getConnection,
  MailError,
  mailers,
  SendError,
} from '@mail/core';

/** Brand on the queue backend's prototype: a worker must not send a job back into the queue. */
export const QUEUE_BACKEND_BRAND = Symbol.for('@mail/backend-queue.backend');

/**
 * The mailers a worker sends through, one open connection per concurrent job and mailer,
 * reused from job to job. A connection that failed is closed and not reused.
 */
export class MailerPool {
  readonly #idle = new Map<string, BaseEmailBackend[]>();
  readonly #busy = new Set<BaseEmailBackend>();

  /** Run `task` with an open backend of mailer `alias` (see {@link resolveMailer}). */
  async use<T>(alias: string, task: (backend: BaseEmailBackend) => Promise<T>): Promise<T> {
    const backend = this.#idle.get(alias)?.pop() ?? (await resolveMailer(alias));
    this.#busy.add(backend);
    let healthy = false;
    try {
      await openMailer(backend, alias);
      const result = await task(backend);
      healthy = true;
      return result;
    } finally {
      this.#busy.delete(backend);
      if (healthy) {
        const list = this.#idle.get(alias) ?? [];
        list.push(backend);
        this.#idle.set(alias, list);
      } else {
        await backend.close().catch(() => undefined);
      }
    }
  }

  /** Close every idle connection (the busy ones close when their job ends). */
  async close(): Promise<void> {
    const idle = [...this.#idle.values()].flat();
    this.#idle.clear();
    await Promise.all(idle.map((backend) => backend.close().catch(() => undefined)));
  }
}

/**
 * The backend of mailer `alias` in this process's settings: the `mailers` entry of that name;
 * for `'default'` the default connection (the `default` mailer, else `emailBackend` /
 * `EMAIL_URL`); otherwise `alias` as a backend (`'smtp'`, `'console'`, a package) built from
 * the settings, so `deliverWith: 'smtp'` works on a worker configured by `EMAIL_URL=smtp://…`.
 *
 * @throws ConfigurationError when it names nothing, or resolves to the queue backend itself.
 */
export async function resolveMailer(alias: string): Promise<BaseEmailBackend> {
  let backend: BaseEmailBackend;
  if (mailers.has(alias)) backend = await mailers.get(alias, { failSilently: false });
  else if (alias === 'default') backend = await getConnection();
  else {
    try {
      backend = await getConnection(alias);
    } catch (error) {
      if (!(error instanceof BackendImportError)) throw error;
      const defined = mailers.aliases();
      throw new ConfigurationError(
        `deliverWith "${alias}" is not a mailer of this worker's settings (${defined.length ? `mailers: ${defined.join(', ')}` : 'no mailers setting'}) nor a backend it can load: ${error.message}`,
        { cause: error },
      );
    }
  }
  if (QUEUE_BACKEND_BRAND in backend) {
    throw new ConfigurationError(
      `deliverWith "${alias}" resolves to the queue backend on this worker, which would queue the message again. ` +
        `Give the worker its own transport: EMAIL_URL=smtp://… in its environment, or a mailers entry (e.g. "smtp") that the queue's deliverWith names.`,
    );
  }
  return backend;
}

async function openMailer(backend: BaseEmailBackend, alias: string): Promise<void> {
  try {
    await backend.open();
  } catch (error) {
    if (error instanceof MailError) throw error;
    const code = (error as { responseCode?: unknown }).responseCode;
    throw new SendError(`Could not open the connection of mailer "${alias}": ${(error as Error)?.message ?? error}`, {
      cause: error,
      transient: !(typeof code === 'number' && code >= 500),
    });
  }
}

/** How a failed delivery is handled: retried later (transient) or failed for good. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof SendError && error.transient === true;
}
