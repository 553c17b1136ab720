// A small SQS-compatible service for the local runtime: the template's queues (all of them
// dead-letter queues), served on the local AWS endpoint (aws-emulator.ts) in the AWS JSON protocol
// the SDK's SQSClient speaks, so `npm run redrive` uses the same client against `npm start` as
// against AWS. The local pipe and the local schedules write to it what Pipes and Lambda write to
// the queues in AWS (see local/dead-letters.ts). Messages are kept in `<data dir>/sqs.json`, so a
// dead letter survives a restart like the rest of the local data.
//
// Operations: GetQueueUrl, ListQueues, GetQueueAttributes, SendMessage, ReceiveMessage,
// DeleteMessage, ChangeMessageVisibility, PurgeQueue. Standard queues only; no long polling
// (WaitTimeSeconds answers at once), no message timers.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AwsServiceError, type AwsJsonService } from './aws-emulator';
import { resourcesOfType, type CfnTemplate } from './synth';

interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
  sentAt: number;
  receiveCount: number;
  /** Epoch ms before which the message is invisible (received, not yet deleted). */
  invisibleUntil: number;
  receiptHandle?: string;
}

const MAX_BODY_BYTES = 262_144;
const DEFAULT_VISIBILITY_SECONDS = 30;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class LocalSqs implements AwsJsonService {
  readonly targetPrefix = 'AmazonSQS';
  readonly contentType = 'application/x-amz-json-1.0';
  /** Base of the queue URLs (the emulator's endpoint), set once it listens. */
  endpoint = 'http://127.0.0.1';

  private readonly queues = new Map<string, StoredMessage[]>();

  constructor(
    private readonly options: { template: CfnTemplate; file: string; region: string; accountId: string; now?: () => number },
  ) {
    const stored = existsSync(options.file)
      ? (JSON.parse(readFileSync(options.file, 'utf8')) as Record<string, StoredMessage[]>)
      : {};
    for (const [name] of resourcesOfType(options.template, 'AWS::SQS::Queue')) this.queues.set(name, stored[name] ?? []);
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/${this.options.accountId}/${name}`;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${name}`;
  }

  /** Messages in a queue now (visible or not): what the tests wait for. */
  depth(name: string): number {
    return this.messages(name).length;
  }

  /** Sends a message, as an AWS service writing to its dead-letter queue would. */
  send(name: string, body: string, attributes: Record<string, string> = {}): string {
    const queue = this.messages(name);
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      attributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }])),
      sentAt: this.now(),
      receiveCount: 0,
      invisibleUntil: 0,
    };
    queue.push(message);
    this.save();
    return message.messageId;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'GetQueueUrl': {
        const name = String(input.QueueName ?? '');
        this.messages(name);
        return { QueueUrl: this.queueUrl(name) };
      }
      case 'ListQueues': {
        const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
        return { QueueUrls: this.queueNames().filter((name) => name.startsWith(prefix)).map((name) => this.queueUrl(name)) };
      }
      case 'GetQueueAttributes':
        return { Attributes: this.attributes(this.nameOf(input)) };
      case 'SendMessage': {
        const body = String(input.MessageBody ?? '');
        if (body.length === 0) throw new AwsServiceError('InvalidParameterValue', 'The message body must not be empty');
        if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new AwsServiceError('InvalidParameterValue', 'The message is longer than 262144 bytes');
        const attributes = (input.MessageAttributes ?? {}) as Record<string, { DataType?: string; StringValue?: string }>;
        const strings = Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, String(value.StringValue ?? '')]));
        const messageId = this.send(this.nameOf(input), body, strings);
        return { MessageId: messageId, MD5OfMessageBody: md5(body) };
      }
      case 'ReceiveMessage':
        return { Messages: this.receive(this.nameOf(input), input) };
      case 'DeleteMessage': {
        const queue = this.messages(this.nameOf(input));
        const index = queue.findIndex((m) => m.receiptHandle !== undefined && m.receiptHandle === input.ReceiptHandle);
        if (index < 0) throw new AwsServiceError('ReceiptHandleIsInvalid', 'The receipt handle is not valid');
        queue.splice(index, 1);
        this.save();
        return {};
      }
      case 'ChangeMessageVisibility': {
        const message = this.messages(this.nameOf(input)).find((m) => m.receiptHandle !== undefined && m.receiptHandle === input.ReceiptHandle);
        if (!message) throw new AwsServiceError('ReceiptHandleIsInvalid', 'The receipt handle is not valid');
        message.invisibleUntil = this.now() + Number(input.VisibilityTimeout ?? 0) * 1000;
        this.save();
        return {};
      }
      case 'PurgeQueue':
        this.messages(this.nameOf(input)).length = 0;
        this.save();
        return {};
      default:
        throw new AwsServiceError('UnsupportedOperation', `${operation} is not supported by the local SQS`);
    }
  }

  private receive(name: string, input: Record<string, unknown>) {
    const max = Math.min(Math.max(Number(input.MaxNumberOfMessages ?? 1), 1), 10);
    const visibility = Number(input.VisibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS);
    const now = this.now();
    const picked = this.messages(name)
      .filter((m) => m.invisibleUntil <= now)
      .slice(0, max);
    for (const message of picked) {
      message.receiveCount++;
      message.invisibleUntil = now + visibility * 1000;
      message.receiptHandle = randomUUID();
    }
    if (picked.length > 0) this.save();
    return picked.map((m) => ({
      MessageId: m.messageId,
      ReceiptHandle: m.receiptHandle,
      MD5OfBody: md5(m.body),
      Body: m.body,
      Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
      ...(Object.keys(m.attributes).length > 0 ? { MessageAttributes: m.attributes } : {}),
    }));
  }

  private attributes(name: string): Record<string, string> {
    const now = this.now();
    const queue = this.messages(name);
    const visible = queue.filter((m) => m.invisibleUntil <= now).length;
    return {
      QueueArn: this.queueArn(name),
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(queue.length - visible),
      MessageRetentionPeriod: String(14 * 86_400),
    };
  }

  private nameOf(input: Record<string, unknown>): string {
    const url = String(input.QueueUrl ?? '');
    return url.slice(url.lastIndexOf('/') + 1);
  }

  private messages(name: string): StoredMessage[] {
    const queue = this.queues.get(name);
    if (!queue) throw new AwsServiceError('QueueDoesNotExist', `The specified queue ${name} does not exist`);
    return queue;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private save(): void {
    const temporary = `${this.options.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.queues)));
    renameSync(temporary, this.options.file);
  }
}
