/** The local test API and one install for a test file: started before its tests, closed after them. */
import { createTestInstall, startTestApi, type TestApi, type TestInstall } from './localApi.js';

export interface ApiFixture {
  api: TestApi;
  install: TestInstall;
}

export function useApiWithInstall(): ApiFixture {
  const fixture = {} as ApiFixture;
  beforeAll(async () => {
    fixture.api = await startTestApi();
    fixture.install = await createTestInstall(fixture.api);
  });
  afterAll(() => fixture.api.close());
  return fixture;
}
