import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { VigilConfig } from '../../../config/schema.js';
import { postJsonOk } from '../../../probes/http/post.js';
import type { AlertMessage } from '../message.js';

export type ChannelConfig = NonNullable<VigilConfig['notifications']>['channels'][number];
export type SmtpConfig = NonNullable<NonNullable<VigilConfig['notifications']>['smtp']>;

/** A channel delivers one message or throws; the outbox retries. `key` is the idempotency key. */
export interface Channel {
  name: string;
  type: ChannelConfig['type'];
  send(message: AlertMessage, key: string): Promise<void>;
}

const TIMEOUT_MS = 15_000;

/**
 * The delivery's idempotency key, written into the text of every chat message. Telegram, Slack,
 * Mattermost and Teams have no idempotency header, so a message resent after a crash can appear
 * twice there; the same "ref" on both tells the reader it is one alert, not two.
 */
export function refLine(key: string): string {
  return `Mã tin / ref: ${key}`;
}

export function createChannel(config: ChannelConfig, smtp: SmtpConfig | undefined): Channel {
  switch (config.type) {
    case 'webhook':
      return { name: config.name, type: config.type, send: (m, key) => sendWebhook(config.url, config.secret, m, key) };
    case 'slack':
      return { name: config.name, type: config.type, send: (m, key) => postJson(config.url, { text: `*${m.title}*\n${m.text}\n_${refLine(key)}_` }, key) };
    case 'teams':
      return { name: config.name, type: config.type, send: (m, key) => postJson(config.url, teamsCard(m, key), key) };
    case 'telegram':
      return {
        name: config.name,
        type: config.type,
        send: async (m, key) => {
          const base = (config.baseUrl ?? 'https://api.telegram.org').replace(/\/$/, '');
          const chats = [config.chatId, ...(m.recipients?.telegramChatIds ?? [])];
          for (const chatId of [...new Set(chats)]) {
            await postJson(
              `${base}/bot${config.botToken}/sendMessage`,
              // Cut the body, never the ref: Telegram's limit is 4,096 characters.
              { chat_id: chatId, text: `${`${m.title}\n\n${m.text}`.slice(0, 3_900)}\n\n${refLine(key)}`, disable_web_page_preview: true },
              key,
            );
          }
        },
      };
    case 'email':
      return {
        name: config.name,
        type: config.type,
        send: async (m, key) => {
          if (!smtp) throw new Error('notifications.smtp is not configured');
          const transport = nodemailer.createTransport({
            host: smtp.host,
            port: smtp.port,
            secure: smtp.secure,
            ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? (smtp.passwordEnv ? process.env[smtp.passwordEnv] : undefined) ?? '' } } : {}),
            connectionTimeout: TIMEOUT_MS,
            greetingTimeout: TIMEOUT_MS,
            socketTimeout: TIMEOUT_MS,
          });
          try {
            await transport.sendMail({
              from: smtp.from,
              to: [...new Set([...config.to, ...(m.recipients?.emails ?? [])])],
              subject: m.title,
              text: `${m.text}\n\n${refLine(key)}`,
              // A stable Message-ID: a resend after a crash is recognisably the same message.
              messageId: `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@vigil.invalid>`,
              headers: { 'X-Vigil-Idempotency-Key': key },
            });
          } finally {
            transport.close();
          }
        },
      };
  }
}

async function postJson(url: string, body: unknown, key: string): Promise<void> {
  await postJsonOk(url, JSON.stringify(body), { 'idempotency-key': key }, TIMEOUT_MS);
}

/**
 * Generic JSON webhook signed with HMAC-SHA256 over `${timestamp}.${body}`:
 * X-Vigil-Timestamp: unix seconds; X-Vigil-Signature: sha256=<hex>. The receiver recomputes the
 * HMAC with the shared secret and rejects old timestamps (replay).
 */
export async function sendWebhook(url: string, secret: string | undefined, message: AlertMessage, key: string): Promise<void> {
  const body = { title: message.title, text: message.text, items: message.items, onDuty: message.onDuty ?? null, idempotencyKey: key };
  const payload = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const headers: Record<string, string> = { 'x-vigil-timestamp': timestamp };
  if (secret) headers['x-vigil-signature'] = `sha256=${signWebhook(secret, timestamp, payload)}`;
  await postJsonOk(url, payload, { 'idempotency-key': key, ...headers }, TIMEOUT_MS);
}

export function signWebhook(secret: string, timestamp: string, payload: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
}

function teamsCard(m: AlertMessage, key: string): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.title, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: m.text, wrap: true },
            { type: 'TextBlock', text: refLine(key), isSubtle: true, size: 'Small', wrap: true },
          ],
          actions: m.items.filter((i) => i.ackUrl).map((i) => ({ type: 'Action.OpenUrl', title: `Xác nhận / Acknowledge: ${i.monitor}`, url: i.ackUrl })),
        },
      },
    ],
  };
}
