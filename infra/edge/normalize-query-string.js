// CloudFront Function (viewer request, JavaScript runtime 2.0) of the cached public read routes.
// CloudFront's cache key keeps the query string as sent, so `?zip=05401&radius=10` and
// `?radius=10&zip=05401` would be two cache entries (and two origin requests) for one answer.
// This puts the parameters in one order (by name, in UTF-16 code-unit order) before the cache
// key is computed; the origin receives the same order. Names and values stay byte for byte as sent:
// the API's parameter names are case-sensitive (`levelOfCare`; `LEVELOFCARE` is a 400), and values
// such as cursors and `q` are too, so lowercasing either would serve one request's answer to
// another. A repeated name keeps its values in the order sent. Tested in tests/infra/edge-functions.test.ts.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls `handler` by name
function handler(event) {
  var request = event.request;
  var names = Object.keys(request.querystring);
  if (names.length === 0) return request;
  names.sort();
  var pairs = [];
  for (var i = 0; i < names.length; i++) {
    var entry = request.querystring[names[i]];
    var values = entry.multiValue ? entry.multiValue : [entry];
    for (var j = 0; j < values.length; j++) pairs.push(names[i] + '=' + values[j].value);
  }
  request.querystring = pairs.join('&');
  return request;
}
