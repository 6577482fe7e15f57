// Every test client and worker encrypts payloads as production does, with the test key the recorded
// histories use (scripts/scenarios/payload-keys.ts).
import { parsePayloadKeys } from '../../runtime/payload-keys';
import { shopDataConverter } from '../../runtime/data-converter';
import { TEST_PAYLOAD_KEYS } from '../../scripts/scenarios/payload-keys';

export { TEST_PAYLOAD_KEYS };
export const testPayloadKeys = () => parsePayloadKeys(TEST_PAYLOAD_KEYS);
export const testDataConverter = () => shopDataConverter(testPayloadKeys());
