import { ApiExtension } from '@nestjs/swagger';

// Route metadata for the OpenAPI builder (`openapi/response-headers.ts`), which turns it into the
// headers, parameters and responses each operation documents. The drift test (test/openapi
// e2e) fails when a route sends one of these headers without declaring it.

/**
 * The route answers with a resource carrying its version (`withETag`), sent as a strong `ETag`.
 * On a GET that also means `If-None-Match` is honoured: 304 Not Modified when it matches.
 */
export function SendsETag() {
  return ApiExtension('x-etag', true);
}

/** The route's 201 carries `Location`, the absolute URL of what it created. */
export function SendsLocation() {
  return ApiExtension('x-location', true);
}
