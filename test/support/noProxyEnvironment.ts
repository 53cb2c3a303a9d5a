// The engine honours http_proxy, https_proxy and no_proxy as curl does. The test servers live on
// 127.0.0.1, where a developer's or CI runner's proxy cannot reach them: every suite runs without
// those variables (loading this module removes them from the test process, and so from the CLI
// and worker processes it starts). The proxy suites set what they need per run.
export const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;

for (const name of PROXY_VARIABLES) delete process.env[name];
