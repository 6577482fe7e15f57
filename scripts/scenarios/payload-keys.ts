// The key tests/replay/histories are encrypted with, and every test's clients and workers use: a test
// fixture, published on purpose, never a deployment's key.
export const TEST_PAYLOAD_KEYS = 'test-1:ioJPQx6MY5874g+fK/bZbm8RdNV5Ao+yjYWudULaoQo=';
