/** The one fleet-sync rule: which item changes start a sync, from the key functions. */
import { fleetSnapshotTypes, fleetSyncTrigger, installToSync } from '../../functions/domain/fleetSyncTrigger.js';
import { queryTypes } from '../../functions/domain/queries/index.js';
import { itemKeys } from '../../functions/domain/storageKeys.js';

const installId = '4a8e4d54-5a53-4b8a-9a57-0d0f35bb6e4f';

it('starts a sync for the latest devices and device-versions items, and for no other latest item', () => {
  for (const queryType of queryTypes) {
    const { PK, SK } = itemKeys.latest(installId, queryType);
    expect(installToSync(PK, SK)).toBe((fleetSnapshotTypes as readonly string[]).includes(queryType) ? installId : undefined);
  }
});

it('starts none for the other items of an install, or outside installs', () => {
  for (const keys of [itemKeys.install(installId), itemKeys.fleetState(installId), itemKeys.snapshot(installId, 'devices', '2026-12-01T00:00:00Z'), itemKeys.bucketHolder(7, installId)]) {
    expect(installToSync(keys.PK, keys.SK)).toBeUndefined();
  }
  expect(installToSync(undefined, 'LATEST#devices')).toBeUndefined();
});

it('gives the stream filter exactly the keys it accepts', () => {
  expect(fleetSyncTrigger).toEqual({ partitionPrefix: 'INSTALL#', sortKeys: ['LATEST#devices', 'LATEST#device-versions'] });
});
