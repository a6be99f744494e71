import nodemailer from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** True when a mail server accepted the message; false when there is none configured. */
  readonly configured: boolean;
  send(message: MailMessage): Promise<{ delivered: boolean }>;
}

/**
 * SMTP through nodemailer when SMTP_URL is set. Without it nothing is sent: callers keep the
 * message text so a clerk or admin can copy it and pass it on.
 */
export function createMailer(smtpUrl: string | undefined, from = 'Gavel <no-reply@gavel.invalid>'): Mailer {
  if (!smtpUrl) {
    return { configured: false, send: async () => ({ delivered: false }) };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    configured: true,
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments?.map((a) => ({ ...a })),
      });
      return { delivered: true };
    },
  };
}

/** Keeps every message in memory; for tests. */
export class CapturingMailer implements Mailer {
  readonly configured = true;
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage) {
    this.sent.push(message);
    return { delivered: true };
  }
}
