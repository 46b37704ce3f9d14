/**
 * Path parameters as the client meant them (functions/http/request.ts decodedPathParameters): API
 * Gateway's REST API passes them percent-encoded, as the CLI and the console send them, and so does
 * the local server; the wrapper decodes them once, and a gateway that decoded them would change nothing.
 */
import { decodedPathParameters } from '../../functions/http/request.js';

it('decodes what is encoded, once, and leaves the rest as it is', () => {
  expect(decodedPathParameters({ customerId: 'acme%3Aemea', entitlementId: 'e-1' })).toEqual({ customerId: 'acme:emea', entitlementId: 'e-1' });
  // Decoded already (the local server, or an AWS that decodes): unchanged.
  expect(decodedPathParameters({ customerId: 'acme:emea' })).toEqual({ customerId: 'acme:emea' });
  // Not a valid escape: as sent, for the parameter check to refuse.
  expect(decodedPathParameters({ customerId: 'bad%zz' })).toEqual({ customerId: 'bad%zz' });
  expect(decodedPathParameters(null)).toBeNull();
});
