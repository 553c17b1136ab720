// Handing a text message to the send-sms function: an asynchronous Lambda invocation, so a slow or
// failing provider never holds up the caller; Lambda retries a failed send twice, then the event goes
// to send-sms's dead-letter queue (lib/functions.ts). A hand-off of nothing is one invocation too:
// callers that must not show whether they had something to send (status links) do the same work.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SmsMessage } from '../domain/sms';
import { ENV, requiredEnv } from './config';

/** What send-sms receives. */
export interface SendSmsEvent {
  message?: SmsMessage;
}

let client: LambdaClient | undefined;

export function smsHandOff(functionName: string = requiredEnv(ENV.smsFunction)): (message: SmsMessage | undefined) => Promise<void> {
  client ??= new LambdaClient({ maxAttempts: 3 });
  return async (message) => {
    const event: SendSmsEvent = message ? { message } : {};
    await client!.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
  };
}
