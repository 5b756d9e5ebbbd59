// CloudFront Function (viewer request, JavaScript runtime 2.0) of the anonymous write route
// (problem reports, rate-limited per client address). Behind CloudFront, API Gateway's sourceIp is
// an edge server, so this hands the API the address CloudFront saw the client connect from, in
// x-viewer-address (functions/http/client-address.ts). Whatever a client sent under that name is
// replaced, never appended to. Tested in tests/infra/edge-functions.test.ts.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls `handler` by name
function handler(event) {
  var request = event.request;
  request.headers['x-viewer-address'] = { value: event.viewer.ip };
  return request;
}
