/** Secrets used only by the test suites (never deployed). */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
