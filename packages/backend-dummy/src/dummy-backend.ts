import { type BackendCapabilities, BaseEmailBackend, type PreparedMessage } from '@mail/core';

/**
 * An email backend that sends nothing and counts every message as delivered, as Django's
 * `dummy.EmailBackend` does. Each message is still built first (by the base class), so a message
 * with an injected header is rejected with `BadHeaderError` exactly as a real backend would.
 *
 * @example
 * ```ts
 * import { EmailBackend } from '@mail/backend-dummy';
 * const sent = await new EmailBackend().sendMessages([message]); // 1, nothing sent
 * ```
 */
export class DummyBackend extends BaseEmailBackend {
  /** The name in send events and delivery reports. */
  static override readonly backendName: string = 'dummy';
  /** The options this backend accepts (a mailer entry with any other option is a configuration error). */
  static override readonly optionNames: readonly string[] = [];

  override readonly capabilities: BackendCapabilities = { delivers: false, keepsConnection: false };

  /** Nothing to deliver: the base class already built and checked the message. */
  protected override async deliverOne(_message: PreparedMessage): Promise<void> {}
}
