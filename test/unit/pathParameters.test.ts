/**
 * Path parameters as the client meant them (functions/http/request.ts decodedPathParameters): API
 * Gateway's REST API may pass them percent-encoded, as the CLI and the console send them, where
 * the local server decodes them; the wrapper decodes them once, so both answer alike.
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
