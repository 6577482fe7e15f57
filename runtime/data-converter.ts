// The one data converter of every client, worker and replay: encrypted payloads and failures.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec';
import type { PayloadKeys } from './payload-keys';

/** For bundleWorkflowCode: prebuilt bundles must carry the failure converter themselves. */
export const failureConverterPath = require.resolve('./failure-converter');

export function shopDataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath };
}
